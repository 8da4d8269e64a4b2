// 告警详情: one alert with its snapshot, what was found on site, its timeline, and the step its state allows:
// 确认接警 (acknowledge) → 到场核实 (a note and photos) → 处置结果 (an outcome and a note); 关闭 for alerts whose
// type needs no case. The server decides who may act; a refusal is shown in Chinese.
import { useCallback, useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Image, Text, Textarea, View } from '@tarojs/components';
import type { AlertDetail, AlertResolution } from '@linli/contracts';
import {
  ALERT_STEP_NAMES,
  alertsApi,
  chinaTime,
  RESOLUTION_NAMES,
  snapshotUrlOf,
  uploadPhotos,
  type PickedPhoto,
} from '../../services';
import { FilePhotos, Guard, PhotoPicker } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { AlertCard } from './card';
import './alerts.css';

const OUTCOMES: AlertResolution[] = ['handled', 'false_alarm', 'referred_property', 'referred_police'];
const MAX_PHOTOS = 9;

function Snapshots({ a }: { a: AlertDetail }) {
  const [urls, setUrls] = useState<string[]>([]);
  const key = a.snapshots.map((s) => s.fileId).join(',');
  useEffect(() => {
    let live = true;
    Promise.all(a.snapshots.map((s) => snapshotUrlOf(s.url).catch(() => '')))
      .then((u) => live && setUrls(u))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  if (!a.snapshots.length) return null;
  return (
    <View className="card">
      <View className="card-title">现场抓拍</View>
      {a.snapshots.map((s, i) =>
        urls[i] ? (
          <Image
            key={s.fileId}
            className="snapshot"
            src={urls[i]!}
            mode="aspectFit"
            data-testid="alert-snapshot"
            onClick={() => void Taro.previewImage({ urls: urls.filter(Boolean), current: urls[i]! })}
          />
        ) : (
          <View key={s.fileId} className="snapshot" />
        ),
      )}
    </View>
  );
}

/** run one step; the page reloads after it, a refusal is toasted */
function useStep(
  onDone: () => void,
): [string, (label: string, step: () => Promise<unknown>, ok: string) => void] {
  const [busy, setBusy] = useState('');
  const run = (label: string, step: () => Promise<unknown>, ok: string) => {
    setBusy(label);
    step()
      .then(() => {
        void Taro.showToast({ title: ok, icon: 'success' });
        onDone();
      })
      .catch(toastError)
      .finally(() => setBusy(''));
  };
  return [busy, run];
}

function Acknowledge({ a, onDone }: { a: AlertDetail; onDone: () => void }) {
  const [busy, run] = useStep(onDone);
  return (
    <View className="card" data-testid="ack-card">
      <View className="card-title">确认接警</View>
      <View className="muted">确认后请尽快到场核实，超时未确认将逐级升级。</View>
      <Button
        className="btn"
        id="ack-alert"
        disabled={!!busy}
        onClick={() => run('正在确认…', () => alertsApi.acknowledge(a.id, '已收到，马上到场'), '已确认接警')}
      >
        {busy || '确认接警'}
      </Button>
    </View>
  );
}

function Verify({ a, onDone }: { a: AlertDetail; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, run] = useStep(onDone);
  const submit = () => {
    if (!note.trim()) return void Taro.showToast({ title: '请填写现场情况', icon: 'none' });
    if (!photos.length) return void Taro.showToast({ title: '请至少拍一张现场照片', icon: 'none' });
    run(
      '正在上传照片…',
      async () => {
        const ids = await uploadPhotos(photos, '现场照片');
        return alertsApi.verify(a.id, note.trim(), ids);
      },
      '已提交核实',
    );
  };
  return (
    <View className="card" data-testid="verify-card">
      <View className="card-title">到场核实</View>
      <View className="field">
        <View className="label">现场情况</View>
        <Textarea
          className="textarea"
          id="verify-note"
          value={note}
          maxlength={2000}
          placeholder="到场看到了什么、做了什么"
          onInput={(e) => setNote(e.detail.value)}
        />
      </View>
      <View className="field">
        <View className="label">现场照片</View>
        <PhotoPicker
          photos={photos}
          onChange={setPhotos}
          max={MAX_PHOTOS}
          addId="verify-add-photo"
          testid="verify-photo"
        />
      </View>
      <Button className="btn" id="submit-verify" disabled={!!busy} onClick={submit}>
        {busy || '提交核实'}
      </Button>
    </View>
  );
}

function Resolve({ a, onDone }: { a: AlertDetail; onDone: () => void }) {
  const [outcome, setOutcome] = useState<AlertResolution | null>(null);
  const [note, setNote] = useState('');
  const [busy, run] = useStep(onDone);
  const submit = () => {
    if (!outcome) return void Taro.showToast({ title: '请选择处置结果', icon: 'none' });
    run('正在提交…', () => alertsApi.resolve(a.id, outcome, note.trim() || undefined), '已办结');
  };
  return (
    <View className="card" data-testid="resolve-card">
      <View className="card-title">处置结果</View>
      <View className="chips">
        {OUTCOMES.map((o) => (
          <View
            key={o}
            id={`outcome-${o}`}
            className={`chip ${o === outcome ? 'chip-on' : ''}`}
            onClick={() => setOutcome(o)}
          >
            {RESOLUTION_NAMES[o]}
          </View>
        ))}
      </View>
      <Textarea
        className="textarea"
        id="resolve-note"
        value={note}
        maxlength={2000}
        placeholder="处置说明（选填）"
        onInput={(e) => setNote(e.detail.value)}
      />
      <Button className="btn" id="submit-resolve" disabled={!!busy} onClick={submit}>
        {busy || '提交处置结果'}
      </Button>
    </View>
  );
}

function Close({ a, onDone }: { a: AlertDetail; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [busy, run] = useStep(onDone);
  return (
    <View className="card" data-testid="close-card">
      <View className="card-title">关闭告警</View>
      <View className="muted">此类告警无需立案处置，查看后可直接关闭。</View>
      <Textarea
        className="textarea"
        id="close-note"
        value={note}
        maxlength={2000}
        placeholder="说明（选填），如：已查看，无异常"
        onInput={(e) => setNote(e.detail.value)}
      />
      <Button
        className="btn btn-secondary"
        id="close-alert"
        disabled={!!busy}
        onClick={() => run('正在关闭…', () => alertsApi.close(a.id, note.trim() || undefined), '已关闭')}
      >
        {busy || '关闭'}
      </Button>
    </View>
  );
}

export default function AlertDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(() => alertsApi.get(id), [id]);
  const [state, reload] = useLoader(load);
  const done = () => void reload();

  return (
    <View className="page" data-testid="alert-detail">
      <Guard state={state} onRetry={reload}>
        {(a) => (
          <>
            <AlertCard a={a} />
            <View className="muted alert-number">告警编号：{a.number}</View>
            <Snapshots a={a} />
            {(a.resolution || a.note || a.verifyPhotoFileIds.length > 0) && (
              <View className="card" data-testid="alert-outcome">
                <View className="card-title">处置情况</View>
                {a.resolution && (
                  <View data-testid="alert-resolution">处置结果：{RESOLUTION_NAMES[a.resolution]}</View>
                )}
                {a.note && <View className="alert-line">{a.note}</View>}
                {a.verifyPhotoFileIds.length > 0 && <View className="label">现场照片</View>}
                <FilePhotos ids={a.verifyPhotoFileIds} />
              </View>
            )}
            {a.needsHandling && a.status === 'open' && <Acknowledge a={a} onDone={done} />}
            {a.needsHandling && a.status === 'acknowledged' && <Verify a={a} onDone={done} />}
            {a.needsHandling && a.status === 'verifying' && <Resolve a={a} onDone={done} />}
            {!a.needsHandling && a.status !== 'closed' && a.status !== 'resolved' && (
              <Close a={a} onDone={done} />
            )}
            <View className="card" data-testid="alert-timeline">
              <View className="card-title">处理进度</View>
              {a.timeline.length === 0 && <View className="muted">暂无进度</View>}
              {a.timeline.map((e, i) => (
                <View key={i} className="timeline-entry" data-testid="alert-timeline-entry">
                  <View className="timeline-dot" />
                  <Text>{ALERT_STEP_NAMES[e.kind] ?? e.kind}</Text>
                  {e.note && <View className="muted">{e.note}</View>}
                  <View className="muted">{chinaTime(e.at)}</View>
                </View>
              ))}
            </View>
          </>
        )}
      </Guard>
    </View>
  );
}
