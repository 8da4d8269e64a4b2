// 报修: pick the room, the category, describe it, add photos (camera or album), a voice note and a preferred time.
// What is typed is kept as a draft in storage, so a dropped network or a closed app loses nothing.
import { useEffect, useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Button, Picker, Text, Textarea, View } from '@tarojs/components';
import type { RepairCategory } from '@linli/contracts';
import {
  askConsent,
  CATEGORY_NAMES,
  currentUser,
  messageOf,
  people,
  repairs,
  prepareConsent,
  shortAddress,
  uploadPhotos,
  type Binding,
  type PickedPhoto,
} from '../../services';
import { Empty, ErrorState, Loading, PhotoPicker } from '../../components/ui';
import { VoiceNote } from '../../components/voice-note';
import { uploadVoice, type RecordedVoice } from '../../services/voice';
import { toastError } from '../../components/use-loader';
import { repairDetail } from '../../routes';

const DRAFT_KEY = 'linli.repairDraft';
const MAX_PHOTOS = 9;

const SLOTS = [
  { id: 'any', name: '不限', from: null, to: null },
  { id: 'morning', name: '上午 9–12点', from: 9, to: 12 },
  { id: 'afternoon', name: '下午 14–18点', from: 14, to: 18 },
  { id: 'evening', name: '晚上 18–20点', from: 18, to: 20 },
] as const;
type SlotId = (typeof SLOTS)[number]['id'];

interface Draft {
  roomId: string;
  category: RepairCategory | '';
  description: string;
  date: string;
  slot: SlotId;
}

const EMPTY: Draft = { roomId: '', category: '', description: '', date: '', slot: 'any' };

function loadDraft(): Draft {
  try {
    const d: unknown = Taro.getStorageSync(DRAFT_KEY);
    return d && typeof d === 'object' ? { ...EMPTY, ...(d as Partial<Draft>) } : EMPTY;
  } catch {
    return EMPTY;
  }
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** the chosen day and slot as ISO times with the China offset (+08:00) */
function preferred(d: Draft): { preferredFrom?: string; preferredTo?: string } {
  const slot = SLOTS.find((s) => s.id === d.slot);
  if (!slot || slot.from === null) return {};
  // a time slot without a day picked means today (the day the picker shows)
  const day = d.date || today();
  const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00:00+08:00`;
  return { preferredFrom: at(slot.from), preferredTo: at(slot.to) };
}

export default function Report() {
  const [rooms, setRooms] = useState<Binding[] | undefined>();
  const [loadError, setLoadError] = useState('');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [voice, setVoice] = useState<RecordedVoice | null>(null);
  const [busy, setBusy] = useState('');

  const loadRooms = async () => {
    setLoadError('');
    try {
      const me = currentUser();
      const all = me ? await people.myBindings(me) : [];
      const verified = all.filter((b) => b.status === 'verified');
      setRooms(verified);
      setDraft((d) => (d.roomId || !verified[0] ? d : { ...d, roomId: verified[0].roomId }));
    } catch (err) {
      setLoadError(messageOf(err));
    }
  };

  useLoad(() => {
    setDraft(loadDraft());
    void loadRooms();
  });

  useEffect(() => void prepareConsent(), []);
  useEffect(() => {
    if (draft !== EMPTY) Taro.setStorageSync(DRAFT_KEY, draft);
  }, [draft]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const missing = !draft.roomId
    ? '请选择房屋'
    : !draft.category
      ? '请选择报修类别'
      : !draft.description.trim()
        ? '请描述问题'
        : '';

  const submit = async () => {
    if (missing) {
      void Taro.showToast({ title: missing, icon: 'none' });
      return;
    }
    await askConsent('repair');
    try {
      const ids = await uploadPhotos(photos, '报修照片', setBusy);
      if (voice) setBusy('正在上传语音…');
      const voiceFileId = voice ? (await uploadVoice(voice, '语音说明')).id : undefined;
      setBusy('正在提交…');
      const created = await repairs.create({
        roomId: draft.roomId,
        category: draft.category as RepairCategory,
        description: draft.description.trim(),
        photoFileIds: ids,
        ...(voiceFileId ? { voiceFileId } : {}),
        ...preferred(draft),
      });
      Taro.removeStorageSync(DRAFT_KEY);
      void Taro.showToast({ title: '报修已提交', icon: 'success' });
      await Taro.redirectTo({ url: repairDetail(created.id) });
    } catch (err) {
      toastError(err);
      setBusy('');
    }
  };

  if (loadError) return <ErrorState message={loadError} onRetry={loadRooms} />;
  if (!rooms) return <Loading />;
  if (!rooms.length)
    return <Empty text="报修需要先绑定并认证您的房屋。请到「我的」查看房屋认证状态，或联系社区工作人员。" />;

  const categories = Object.entries(CATEGORY_NAMES) as [RepairCategory, string][];
  return (
    <View className="page" data-testid="repair-report">
      <View className="card">
        <View className="field">
          <View className="label">报修房屋</View>
          <View className="chips">
            {rooms.map((b) => (
              <View
                key={b.id}
                className={`chip ${draft.roomId === b.roomId ? 'chip-on' : ''}`}
                onClick={() => set({ roomId: b.roomId })}
                data-testid="room-chip"
              >
                {shortAddress(b.standardAddress)}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="label">报修类别</View>
          <View className="chips">
            {categories.map(([c, name]) => (
              <View
                key={c}
                id={`category-${c}`}
                className={`chip ${draft.category === c ? 'chip-on' : ''}`}
                onClick={() => set({ category: c })}
              >
                {name}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="label">问题描述</View>
          <Textarea
            className="textarea"
            id="description"
            value={draft.description}
            maxlength={1000}
            placeholder="请描述哪里坏了、什么情况，方便师傅准备工具和配件"
            onInput={(e) => set({ description: e.detail.value })}
          />
        </View>
        <View className="field">
          <View className="label">照片（最多 9 张）</View>
          <PhotoPicker
            photos={photos}
            onChange={setPhotos}
            max={MAX_PHOTOS}
            addId="add-photo"
            addLabel="+ 添加照片"
            testid="picked-photo"
          />
        </View>
        <View className="field">
          <View className="label">语音说明（可选）</View>
          <VoiceNote voice={voice} onChange={setVoice} />
        </View>
        <View className="field">
          <View className="label">期望上门时间</View>
          <Picker
            mode="date"
            value={draft.date || today()}
            start={today()}
            onChange={(e) => set({ date: e.detail.value })}
          >
            <View className="input" id="preferred-date">
              <Text className={draft.date ? '' : 'muted'}>{draft.date || '选择日期（可不选）'}</Text>
            </View>
          </Picker>
          <View className="chips" style={{ marginTop: '16px' }}>
            {SLOTS.map((s) => (
              <View
                key={s.id}
                id={`slot-${s.id}`}
                className={`chip ${draft.slot === s.id ? 'chip-on' : ''}`}
                onClick={() => set({ slot: s.id })}
              >
                {s.name}
              </View>
            ))}
          </View>
        </View>
      </View>
      <Button className="btn" id="submit-repair" disabled={!!busy} onClick={submit}>
        {busy || '提交报修'}
      </Button>
    </View>
  );
}
