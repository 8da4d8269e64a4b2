// 辅助决策: the figures of the admin's area from the server's statistics (GET /stats/overview, counted in SQL):
// cases per process and state, cases opened and closed per day, on-time completion of steps per process, where
// time is lost (the slowest steps), satisfaction from ratings, open alerts by type and grid, device online rate,
// volunteer hours and points. The window is 7, 14 or 30 China days.
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Col, Empty, Row, Segmented, Statistic } from 'antd';
import * as echarts from 'echarts';
import type { DashboardStats } from '@linli/contracts';
import { api, errorText } from '../api';
import { FONT_FAMILY } from '../font';

const SATISFACTION_KIND: Record<DashboardStats['satisfaction'][number]['kind'], string> = {
  repair: '物业报修',
  approval: '事项代办',
  event: '事件处置',
};

function Chart({ option, id, height = 320 }: { option: echarts.EChartsOption; id: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(ref.current!);
    chart.setOption({ textStyle: { fontFamily: FONT_FAMILY }, ...option });
    // canvas text does not re-render when a web font arrives: draw again once fonts are loaded
    void document.fonts.ready.then(() => !chart.isDisposed() && chart.setOption(option));
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return <div id={id} ref={ref} style={{ height }} />;
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);

/** "3 小时 20 分" / "45 分" / "2.5 天" for an average handling time */
export function minutesText(minutes: number): string {
  if (minutes >= 48 * 60) return `${Math.round((minutes / 1440) * 10) / 10} 天`;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} 小时 ${Math.round(minutes % 60)} 分`;
  return `${Math.round(minutes)} 分`;
}

function Figures({ stats }: { stats: DashboardStats }) {
  const running = stats.processes.reduce((n, p) => n + p.running, 0);
  const opened = stats.processes.reduce((n, p) => n + p.opened.reduce((a, b) => a + b, 0), 0);
  const due = stats.processes.reduce((n, p) => n + p.tasksDue, 0);
  const onTime = stats.processes.reduce((n, p) => n + p.tasksOnTime, 0);
  const overdue = stats.processes.reduce((n, p) => n + p.overdueOpen, 0);
  const rated = stats.satisfaction.reduce((n, s) => n + s.rated, 0);
  const satisfied = stats.satisfaction.reduce((n, s) => n + s.satisfied, 0);
  const cards: [string, string, number | string, string?][] = [
    ['kpi-running', '在办案件', running],
    ['kpi-opened', `近 ${stats.days.length} 天新发起`, opened],
    ['kpi-on-time', '环节按时办结率', percent(onTime, due) ?? '—', due ? '%' : undefined],
    ['kpi-overdue', '逾期未办环节', overdue],
    ['kpi-satisfaction', '满意率（4–5 星）', percent(satisfied, rated) ?? '—', rated ? '%' : undefined],
    ['kpi-alerts', '未处置告警', stats.alerts.open],
    [
      'kpi-devices',
      '设备在线率',
      percent(stats.devices.online, stats.devices.total) ?? '—',
      stats.devices.total ? '%' : undefined,
    ],
    ['kpi-volunteer', '志愿服务时长', stats.volunteer.hours, '小时'],
  ];
  return (
    <>
      {cards.map(([id, title, value, suffix]) => (
        <Col span={6} key={id}>
          <Card size="small">
            <Statistic title={title} value={value} suffix={suffix} valueStyle={{ fontSize: 24 }} />
            <span id={id} data-value={String(value)} hidden />
          </Card>
        </Col>
      ))}
    </>
  );
}

export function DashboardPage() {
  const [days, setDays] = useState(14);
  const [stats, setStats] = useState<DashboardStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setStats(null);
    api<DashboardStats>('/stats/overview', { query: { days } })
      .then(async (s) => {
        await document.fonts.load(`14px 'Noto Sans SC'`, '进行中已办结').catch(() => undefined);
        if (live) setStats(s);
      })
      .catch((err) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [days]);
  if (error) return <Alert type="error" title={error} showIcon />;

  const header = (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
      <span>统计范围：当前管辖范围 · 近 {days} 天（北京时间）</span>
      <Segmented
        id="stats-window"
        value={days}
        onChange={(v) => setDays(Number(v))}
        options={[
          { label: '近 7 天', value: 7 },
          { label: '近 14 天', value: 14 },
          { label: '近 30 天', value: 30 },
        ]}
      />
    </div>
  );
  if (!stats)
    return (
      <>
        {header}
        <Card loading />
      </>
    );

  const names = stats.processes.map((p) => p.name);
  const dayLabels = stats.days.map((d) => d.slice(5));
  const sumPerDay = (key: 'opened' | 'closed') =>
    stats.days.map((_, i) => stats.processes.reduce((n, p) => n + p[key][i]!, 0));
  const withDue = stats.processes.filter((p) => p.tasksDue > 0);
  // the slowest steps in hours once any takes two hours on average, in minutes before that
  const inHours = stats.slowSteps.some((s) => s.avgMinutes >= 120);
  const rated = stats.satisfaction.some((s) => s.rated > 0);
  return (
    <>
      {header}
      <Row gutter={[16, 16]}>
        <Figures stats={stats} />
        <Col span={12}>
          <Card title="各流程案件（按状态）">
            {names.length ? (
              <Chart
                id="chart-by-process"
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { data: ['进行中', '已办结', '已撤销'] },
                  xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 20 } },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [
                    { name: '进行中', type: 'bar', stack: 's', data: stats.processes.map((p) => p.running) },
                    {
                      name: '已办结',
                      type: 'bar',
                      stack: 's',
                      data: stats.processes.map((p) => p.completed),
                    },
                    {
                      name: '已撤销',
                      type: 'bar',
                      stack: 's',
                      data: stats.processes.map((p) => p.cancelled),
                    },
                  ],
                }}
              />
            ) : (
              <Empty description="管辖范围内还没有案件" />
            )}
          </Card>
        </Col>
        <Col span={12}>
          <Card title={`近 ${days} 天新发起与办结`}>
            <Chart
              id="chart-per-day"
              option={{
                tooltip: { trigger: 'axis' },
                legend: { data: ['新发起', '已结束'] },
                xAxis: { type: 'category', data: dayLabels },
                yAxis: { type: 'value', minInterval: 1 },
                series: [
                  { name: '新发起', type: 'line', areaStyle: {}, data: sumPerDay('opened') },
                  { name: '已结束', type: 'line', data: sumPerDay('closed') },
                ],
              }}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card title="环节按时办结率（有期限的环节）">
            {withDue.length ? (
              <Chart
                id="chart-on-time"
                option={{
                  tooltip: {
                    trigger: 'axis',
                    formatter: (params) => {
                      const p = withDue[(params as { dataIndex: number }[])[0]!.dataIndex]!;
                      return `${p.name}<br/>按时 ${p.tasksOnTime} / ${p.tasksDue}，逾期未办 ${p.overdueOpen}`;
                    },
                  },
                  xAxis: {
                    type: 'category',
                    data: withDue.map((p) => p.name),
                    axisLabel: { interval: 0, rotate: 20 },
                  },
                  yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
                  series: [
                    {
                      name: '按时办结率',
                      type: 'bar',
                      data: withDue.map((p) => percent(p.tasksOnTime, p.tasksDue)),
                      label: { show: true, position: 'top', formatter: '{c}%' },
                    },
                  ],
                }}
              />
            ) : (
              <Empty description={`近 ${days} 天没有办结有期限的环节`} />
            )}
          </Card>
        </Col>
        <Col span={12}>
          <Card title="耗时最长的环节（平均办理时长）">
            {stats.slowSteps.length ? (
              <Chart
                id="chart-slow-steps"
                option={{
                  tooltip: {
                    trigger: 'axis',
                    formatter: (params) => {
                      const s = stats.slowSteps[(params as { dataIndex: number }[])[0]!.dataIndex]!;
                      return `${s.processName} · ${s.name}<br/>平均 ${minutesText(s.avgMinutes)}，最长 ${minutesText(s.maxMinutes)}，共 ${s.done} 件`;
                    },
                  },
                  grid: { left: 160 },
                  xAxis: { type: 'value', name: inHours ? '小时' : '分钟' },
                  yAxis: {
                    type: 'category',
                    inverse: true,
                    data: stats.slowSteps.map((s) => `${s.name}（${s.processName}）`),
                  },
                  series: [
                    {
                      name: '平均办理时长',
                      type: 'bar',
                      data: stats.slowSteps.map((s) =>
                        inHours
                          ? Math.round((s.avgMinutes / 60) * 10) / 10
                          : Math.round(s.avgMinutes * 10) / 10,
                      ),
                    },
                  ],
                }}
              />
            ) : (
              <Empty description={`近 ${days} 天没有办结的环节`} />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card title="群众满意度（平均星级）">
            {rated ? (
              <Chart
                id="chart-satisfaction"
                height={280}
                option={{
                  tooltip: {
                    trigger: 'axis',
                    formatter: (params) => {
                      const s = stats.satisfaction[(params as { dataIndex: number }[])[0]!.dataIndex]!;
                      return `${SATISFACTION_KIND[s.kind]}<br/>${s.rated ? `平均 ${s.average} 星，${s.rated} 条评价` : '暂无评价'}`;
                    },
                  },
                  xAxis: { type: 'category', data: stats.satisfaction.map((s) => SATISFACTION_KIND[s.kind]) },
                  yAxis: { type: 'value', min: 0, max: 5 },
                  series: [
                    {
                      name: '平均星级',
                      type: 'bar',
                      data: stats.satisfaction.map((s) => s.average ?? 0),
                      label: { show: true, position: 'top' },
                    },
                  ],
                }}
              />
            ) : (
              <Empty description={`近 ${days} 天还没有评价`} />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card title="未处置告警（按类型）">
            {stats.alerts.byType.length ? (
              <Chart
                id="chart-alerts-type"
                height={280}
                option={{
                  tooltip: { trigger: 'item' },
                  series: [
                    {
                      name: '未处置告警',
                      type: 'pie',
                      radius: ['35%', '65%'],
                      data: stats.alerts.byType.map((t) => ({ name: t.name, value: t.count })),
                    },
                  ],
                }}
              />
            ) : (
              <Empty description="没有未处置的告警" />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card title="未处置告警（按网格）">
            {stats.alerts.byGrid.length ? (
              <Chart
                id="chart-alerts-grid"
                height={280}
                option={{
                  tooltip: { trigger: 'axis' },
                  xAxis: {
                    type: 'category',
                    data: stats.alerts.byGrid.map((g) => g.name),
                    axisLabel: { interval: 0 },
                  },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [{ name: '告警数', type: 'bar', data: stats.alerts.byGrid.map((g) => g.count) }],
                }}
              />
            ) : (
              <Empty description="没有未处置的告警" />
            )}
          </Card>
        </Col>
        <Col span={24}>
          <Card size="small">
            <span id="volunteer-summary">
              志愿者 {stats.volunteer.volunteers} 人 · 近 {days} 天服务 {stats.volunteer.hours} 小时 ·
              发放积分 {stats.volunteer.points} · 期间新告警 {stats.alerts.raised} 条 · 设备{' '}
              {stats.devices.online}/{stats.devices.total} 在线
            </span>
          </Card>
        </Col>
      </Row>
    </>
  );
}
