// 登记走访 (grid workers): how the resident was visited (上门走访 / 电话问候 / 视频通话), what was found, whether it
// needs follow-up, and when (today by default, never in the future). The server's check-in API takes no photos.
import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Picker, Text, Textarea, View } from '@tarojs/components';
import { gridApi, VISIT_METHOD_NAMES, type VisitMethod } from '../../services';
import { toastError } from '../../components/use-loader';
import './grid.css';

const METHODS: VisitMethod[] = ['visit', 'phone', 'video'];
const pad = (n: number) => String(n).padStart(2, '0');
const dateOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const timeOf = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

export default function RecordVisit() {
  const { id = '', name = '' } = useRouter().params;
  const now = new Date();
  const [method, setMethod] = useState<VisitMethod>('visit');
  const [note, setNote] = useState('');
  const [concern, setConcern] = useState(false);
  const [date, setDate] = useState(dateOf(now));
  const [time, setTime] = useState(timeOf(now));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const send = async () => {
    if (!note.trim()) {
      setError('请填写走访情况，如：身体状况良好，家中整洁');
      return;
    }
    const at = new Date(`${date}T${time}:00`);
    if (Number.isNaN(at.getTime()) || at.getTime() > Date.now() + 60_000) {
      setError('走访时间不能晚于现在');
      return;
    }
    setError('');
    setBusy(true);
    try {
      await gridApi.recordVisit(id, { method, note: note.trim(), concern, at: at.toISOString() });
      await Taro.showToast({ title: '已登记走访', icon: 'success' });
      await Taro.navigateBack();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="page" data-testid="visit-form">
      <View className="card">
        {name && <View className="card-title">走访对象：{decodeURIComponent(name)}</View>}
        <View className="field">
          <View className="label">走访方式</View>
          <View className="chips">
            {METHODS.map((m) => (
              <View
                key={m}
                id={`method-${m}`}
                className={`chip ${method === m ? 'chip-on' : ''}`}
                onClick={() => setMethod(m)}
              >
                {VISIT_METHOD_NAMES[m]}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="label">走访情况</View>
          <Textarea
            className="textarea"
            id="visit-note"
            value={note}
            maxlength={500}
            placeholder="如：身体状况良好，家中整洁，已提醒注意用电安全"
            onInput={(e) => {
              setNote(e.detail.value);
              setError('');
            }}
          />
        </View>
        <View className="field">
          <View className="label">是否需要跟进</View>
          <View className="chips">
            <View
              id="concern-no"
              className={`chip ${!concern ? 'chip-on' : ''}`}
              onClick={() => setConcern(false)}
            >
              情况正常
            </View>
            <View
              id="concern-yes"
              className={`chip ${concern ? 'chip-on' : ''}`}
              onClick={() => setConcern(true)}
            >
              需要跟进
            </View>
          </View>
        </View>
        <View className="field">
          <View className="label">走访时间</View>
          <View style={{ display: 'flex' }}>
            <Picker
              style={{ flex: 1, marginRight: '16px' }}
              mode="date"
              value={date}
              end={dateOf(now)}
              onChange={(e) => setDate(e.detail.value)}
            >
              <View className="input" id="visit-date">
                <Text>{date}</Text>
              </View>
            </Picker>
            <Picker style={{ flex: 1 }} mode="time" value={time} onChange={(e) => setTime(e.detail.value)}>
              <View className="input" id="visit-time">
                <Text>{time}</Text>
              </View>
            </Picker>
          </View>
        </View>
        {error && (
          <View className="field-error" data-testid="visit-error">
            {error}
          </View>
        )}
        <Button className="btn" id="visit-send" disabled={busy} loading={busy} onClick={send}>
          提交
        </Button>
      </View>
    </View>
  );
}
