// 调解详情: one dispute as my part in it shows it: state, kind, what happened, the parties (phones masked by the
// server, and only mine), the mediator, the sessions (notes only when the mediator shares them), the agreement
// and signatures when there is one, the referral when it was not accepted or not settled, and the timeline.
import { useCallback } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { DisputeDetail as Detail, Timeline } from '@linli/contracts';
import {
  DISPUTE_CATEGORY_NAMES,
  DISPUTE_PARTY_ROLE_NAMES,
  DISPUTE_STATUS_NAMES,
  DISPUTE_STEP_NAMES,
  disputesApi,
} from '../../services';
import { FilePhotos, formatTime, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';
import { stateTagClass } from './state-tag';

interface Loaded {
  d: Detail;
  timeline: Timeline | null;
}

/** In the server's order (the registration first); instance.started and task.completed repeat the dispute's own entries. */
function stepsOf(timeline: Timeline) {
  return timeline.entries.filter((t) => t.kind !== 'task.completed' && t.kind !== 'instance.started');
}

export default function DisputeDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(async (): Promise<Loaded> => {
    const d = await disputesApi.get(id);
    // the timeline is a nicety: the case itself still shows without it
    const timeline = await disputesApi.timeline(id).catch(() => null);
    return { d, timeline };
  }, [id]);
  const [state, reload] = useLoader(load);

  return (
    <View className="page" data-testid="dispute-detail">
      <Guard state={state} onRetry={reload}>
        {({ d, timeline }) => (
          <>
            <View className="card">
              <View className="card-title">
                <Text data-testid="dispute-title">{d.title}</Text>
                <Text className={stateTagClass(d)} data-testid="dispute-state">
                  {DISPUTE_STATUS_NAMES[d.status]}
                </Text>
              </View>
              <View className="muted" data-testid="dispute-category">
                {d.category ? DISPUTE_CATEGORY_NAMES[d.category] : '待社区分类'} · 案号 {d.caseNo}
              </View>
              <View data-testid="dispute-description">{d.description}</View>
              <View className="muted">申请时间：{formatTime(d.createdAt)}</View>
              {d.mediator && <View className="muted">调解员：{d.mediator.name}</View>}
              <FilePhotos ids={d.fileIds} />
            </View>

            <View className="card" data-testid="dispute-parties">
              <View className="card-title">当事人</View>
              {d.parties.map((x) => (
                <View key={x.id} className="row" data-testid="dispute-party">
                  <View className="row-main">
                    <View className="row-title">
                      {DISPUTE_PARTY_ROLE_NAMES[x.role]}：{x.name}
                    </View>
                    {(x.phoneMasked || x.address) && (
                      <View className="muted">{[x.phoneMasked, x.address].filter(Boolean).join(' · ')}</View>
                    )}
                  </View>
                  {d.status !== 'registered' && d.outcome === 'agreement' && (
                    <Text className={x.signed ? 'tag' : 'tag tag-warn'}>
                      {x.signed ? '已签字' : '未签字'}
                    </Text>
                  )}
                </View>
              ))}
            </View>

            {d.rejectReason && (
              <View className="card" data-testid="dispute-rejected">
                <View className="card-title">不予受理</View>
                <View>{d.rejectReason}</View>
                {d.referredTo && <View className="muted">建议前往：{d.referredTo}</View>}
              </View>
            )}

            {d.sessions.length > 0 && (
              <View className="card" data-testid="dispute-sessions">
                <View className="card-title">调解记录</View>
                {d.sessions.map((x) => (
                  <View key={x.id} className="timeline-entry">
                    <View className="timeline-dot" />
                    <View>
                      第{x.seq}次调解 · {x.place}
                    </View>
                    <View className="muted">{formatTime(x.heldAt)}</View>
                    {x.attendees && <View className="muted">参加人员：{x.attendees.join('、')}</View>}
                    {x.notes ? <View>{x.notes}</View> : <View className="muted">调解内容未公开</View>}
                    <FilePhotos ids={x.fileIds} />
                  </View>
                ))}
              </View>
            )}

            {d.outcome === 'agreement' && d.terms && (
              <View className="card" data-testid="dispute-agreement">
                <View className="card-title">调解协议</View>
                {d.terms.map((t, i) => (
                  <View key={i}>
                    {i + 1}. {t}
                  </View>
                ))}
                <View className="muted">
                  {d.status === 'signing'
                    ? '协议待各方当事人签字，请按调解员通知到社区调解室签字'
                    : '各方当事人已签字，协议生效'}
                </View>
              </View>
            )}
            {d.outcome === 'no_agreement' && (
              <View className="card">
                <View className="card-title">未达成协议</View>
                <View className="muted">
                  {d.referral === 'court' ? '已引导通过人民法院诉讼解决' : '已移交街道继续调解'}
                </View>
              </View>
            )}
            {d.followUp && (
              <View className="card">
                <View className="card-title">回访</View>
                <View className="muted">
                  {formatTime(d.followUp.visitedAt)} · {d.followUp.fulfilled ? '协议已履行' : '协议未履行'}
                </View>
              </View>
            )}

            <View className="card" data-testid="dispute-timeline">
              <View className="card-title">处理进度</View>
              {(!timeline || !stepsOf(timeline).length) && <View className="muted">暂无进度</View>}
              {timeline &&
                stepsOf(timeline).map((t, i) => (
                  <View key={i} className="timeline-entry" data-testid="timeline-entry">
                    <View className="timeline-dot" />
                    <View>
                      {DISPUTE_STEP_NAMES[t.kind] ?? t.activityName ?? t.kind}
                      {t.kind === 'task.created' && t.activityName ? `：${t.activityName}` : ''}
                    </View>
                    {t.comment && <View className="muted">{t.comment}</View>}
                    <View className="muted">
                      {formatTime(t.at)}
                      {t.actor ? ` · ${t.actor.name}` : ''}
                    </View>
                  </View>
                ))}
            </View>
          </>
        )}
      </Guard>
    </View>
  );
}
