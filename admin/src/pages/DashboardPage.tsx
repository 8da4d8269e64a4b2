// 辅助决策: first charts over what the API offers today: cases per process by state, and cases started per
// day over the last two weeks. (Per-step handling time, on-time rate and device figures need server
// statistics endpoints that do not exist yet.)
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Col, Row, Statistic } from 'antd';
import * as echarts from 'echarts';
import type { Definition, Instance } from '@linli/contracts';
import { api, errorText, type Page } from '../api';
import { FONT_FAMILY } from '../font';

interface Stats {
  names: string[];
  byState: Record<'running' | 'completed' | 'cancelled', number[]>;
  days: string[];
  perDay: number[];
  total: number;
  running: number;
}

const DAY = 86_400_000;

async function loadStats(): Promise<Stats> {
  const defs = (await api<Page<Definition>>('/definitions', { query: { pageSize: 200 } })).items;
  const instances: Instance[] = [];
  for (let page = 1; page <= 10; page++) {
    const res = await api<Page<Instance>>('/instances', { query: { page, pageSize: 200 } });
    instances.push(...res.items);
    if (page * res.pageSize >= res.total) break;
  }
  const names = defs.map((d) => d.name ?? d.processId);
  const byState = { running: [] as number[], completed: [] as number[], cancelled: [] as number[] };
  for (const d of defs) {
    for (const s of ['running', 'completed', 'cancelled'] as const) {
      byState[s].push(instances.filter((i) => i.processId === d.processId && i.status === s).length);
    }
  }
  const today = new Date(new Date().toISOString().slice(0, 10)).getTime();
  const days: string[] = [];
  const perDay: number[] = [];
  for (let k = 13; k >= 0; k--) {
    const start = today - k * DAY;
    days.push(new Date(start).toISOString().slice(5, 10));
    perDay.push(
      instances.filter((i) => {
        const t = new Date(i.startedAt).getTime();
        return t >= start && t < start + DAY;
      }).length,
    );
  }
  return {
    names,
    byState,
    days,
    perDay,
    total: instances.length,
    running: instances.filter((i) => i.status === 'running').length,
  };
}

function Chart({ option, id }: { option: echarts.EChartsOption; id: string }) {
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
  return <div id={id} ref={ref} style={{ height: 320 }} />;
}

export function DashboardPage() {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadStats()
      .then(async (s) => {
        await document.fonts.load(`14px 'Noto Sans SC'`, '进行中已办结').catch(() => undefined);
        setStats(s);
      })
      .catch((err) => setError(errorText(err)));
  }, []);
  if (error) return <Alert type="error" title={error} showIcon />;
  if (!stats) return <Card loading />;
  return (
    <Row gutter={[16, 16]}>
      <Col span={8}>
        <Card>
          <Statistic title="案件总数" value={stats.total} />
        </Card>
      </Col>
      <Col span={8}>
        <Card>
          <Statistic title="进行中" value={stats.running} />
        </Card>
      </Col>
      <Col span={8}>
        <Card>
          <Statistic title="流程数" value={stats.names.length} />
        </Card>
      </Col>
      <Col span={12}>
        <Card title="各流程案件（按状态）">
          <Chart
            id="chart-by-process"
            option={{
              tooltip: { trigger: 'axis' },
              legend: { data: ['进行中', '已办结', '已撤销'] },
              xAxis: { type: 'category', data: stats.names, axisLabel: { interval: 0, rotate: 20 } },
              yAxis: { type: 'value', minInterval: 1 },
              series: [
                { name: '进行中', type: 'bar', stack: 's', data: stats.byState.running },
                { name: '已办结', type: 'bar', stack: 's', data: stats.byState.completed },
                { name: '已撤销', type: 'bar', stack: 's', data: stats.byState.cancelled },
              ],
            }}
          />
        </Card>
      </Col>
      <Col span={12}>
        <Card title="近 14 天新发起案件">
          <Chart
            id="chart-per-day"
            option={{
              tooltip: { trigger: 'axis' },
              xAxis: { type: 'category', data: stats.days },
              yAxis: { type: 'value', minInterval: 1 },
              series: [{ name: '新发起', type: 'line', smooth: true, areaStyle: {}, data: stats.perDay }],
            }}
          />
        </Card>
      </Col>
    </Row>
  );
}
