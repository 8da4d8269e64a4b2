// 随手拍 (grid workers' patrol) / 问题上报 (residents): category, description, up to 9 photos and the place
// (the phone's location when it gives one, and a description of the spot). The server files a grid worker's
// report as a patrol report and a resident's as a resident report. What is typed is kept as a draft in storage
// until it is sent, so a dropped network or a closed app loses nothing.
import { useEffect, useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Button, Input, Textarea, View } from '@tarojs/components';
import type { EventCategory } from '@linli/contracts';
import {
  currentUser,
  eventsApi,
  isPatrolWorker,
  messageOf,
  uploadPhotos,
  type PickedPhoto,
} from '../../services';
import { ErrorState, Loading, PhotoPicker } from '../../components/ui';
import { toastError } from '../../components/use-loader';
import { eventDetail } from '../../routes';

const DRAFT_KEY = 'linli.eventDraft';
const MAX_PHOTOS = 9;
/** the category chip for "not sure": the report goes without one and staff classify it */
const UNSURE = '-';

interface Draft {
  category: string;
  description: string;
  address: string;
  location: { lat: number; lng: number } | null;
}

const EMPTY: Draft = { category: '', description: '', address: '', location: null };

function loadDraft(): Draft {
  try {
    const d: unknown = Taro.getStorageSync(DRAFT_KEY);
    return d && typeof d === 'object' ? { ...EMPTY, ...(d as Partial<Draft>) } : EMPTY;
  } catch {
    return EMPTY;
  }
}

/** the phone's position; a browser that never answers the permission prompt must not hang the form */
async function locate(): Promise<{ lat: number; lng: number }> {
  const found = Taro.getLocation({ type: 'gcj02' }).then((r) => ({ lat: r.latitude, lng: r.longitude }));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 15_000));
  return Promise.race([found, timeout]);
}

export default function EventReport() {
  const patrol = isPatrolWorker(currentUser());
  const [categories, setCategories] = useState<EventCategory[] | undefined>();
  const [loadError, setLoadError] = useState('');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [locating, setLocating] = useState(false);
  const [busy, setBusy] = useState('');

  const loadCategories = async () => {
    setLoadError('');
    try {
      setCategories(await eventsApi.categories());
    } catch (err) {
      setLoadError(messageOf(err));
    }
  };

  useLoad(() => {
    void Taro.setNavigationBarTitle({ title: patrol ? '随手拍' : '问题上报' });
    setDraft(loadDraft());
    void loadCategories();
  });

  useEffect(() => {
    if (draft !== EMPTY) Taro.setStorageSync(DRAFT_KEY, draft);
  }, [draft]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const locateHere = async () => {
    setLocating(true);
    try {
      set({ location: await locate() });
    } catch {
      void Taro.showToast({ title: '无法获取定位，请填写位置描述', icon: 'none', duration: 3000 });
    } finally {
      setLocating(false);
    }
  };

  const missing = !draft.category
    ? '请选择问题类别'
    : draft.description.trim().length < 2
      ? '请描述看到的问题（至少 2 个字）'
      : patrol && !draft.location && !draft.address.trim()
        ? '请获取定位或填写位置描述'
        : '';

  const submit = async () => {
    if (missing) {
      void Taro.showToast({ title: missing, icon: 'none' });
      return;
    }
    try {
      const ids = await uploadPhotos(photos, '上报照片', setBusy);
      setBusy('正在提交…');
      const address = draft.address.trim();
      const created = await eventsApi.report({
        ...(draft.category !== UNSURE ? { category: draft.category } : {}),
        description: draft.description.trim(),
        photoFileIds: ids,
        ...(draft.location ? { location: { ...draft.location, ...(address ? { address } : {}) } } : {}),
        ...(address ? { address } : {}),
      });
      Taro.removeStorageSync(DRAFT_KEY);
      void Taro.showToast({ title: '已上报', icon: 'success' });
      await Taro.redirectTo({ url: eventDetail(created.id) });
    } catch (err) {
      toastError(err);
      setBusy('');
    }
  };

  if (loadError) return <ErrorState message={loadError} onRetry={loadCategories} />;
  if (!categories) return <Loading />;

  return (
    <View className="page" data-testid="event-report">
      <View className="card">
        <View className="field">
          <View className="label">问题类别</View>
          <View className="chips">
            {categories.map((c) => (
              <View
                key={c.id}
                id={`event-category-${c.code}`}
                className={`chip ${draft.category === c.code ? 'chip-on' : ''}`}
                onClick={() => set({ category: c.code })}
              >
                {c.name}
              </View>
            ))}
            <View
              id="event-category-unsure"
              className={`chip ${draft.category === UNSURE ? 'chip-on' : ''}`}
              onClick={() => set({ category: UNSURE })}
            >
              不确定（由社区分类）
            </View>
          </View>
        </View>
        <View className="field">
          <View className="label">问题描述</View>
          <Textarea
            className="textarea"
            id="event-description"
            value={draft.description}
            maxlength={2000}
            placeholder={
              patrol ? '巡查中看到了什么、在哪里、影响如何' : '请描述遇到的问题，方便社区尽快安排处理'
            }
            onInput={(e) => set({ description: e.detail.value })}
          />
        </View>
        <View className="field">
          <View className="label">照片（最多 9 张）</View>
          <PhotoPicker
            photos={photos}
            onChange={setPhotos}
            max={MAX_PHOTOS}
            addId="event-add-photo"
            addLabel="+ 拍照/相册"
            testid="event-photo"
          />
        </View>
        <View className="field">
          <View className="label">位置</View>
          <View className="chips">
            <View
              id="event-locate"
              className={`chip ${draft.location ? 'chip-on' : ''}`}
              onClick={locating ? undefined : locateHere}
              data-testid="event-location"
            >
              {locating ? '定位中…' : draft.location ? '已定位（点击重新定位）' : '获取当前位置'}
            </View>
          </View>
          <Input
            className="input"
            id="event-address"
            value={draft.address}
            maxlength={200}
            placeholder={
              patrol ? '位置描述，如 3号楼东侧垃圾收集点' : '位置描述（选填，不填则为您的房屋所在小区）'
            }
            onInput={(e) => set({ address: e.detail.value })}
          />
        </View>
      </View>
      <Button className="btn" id="submit-event" disabled={!!busy} onClick={submit}>
        {busy || '提交上报'}
      </Button>
    </View>
  );
}
