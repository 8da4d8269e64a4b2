// 发布微心愿: a resident asks neighbours for a small help: what (a title and the details), where, up to 9 photos.
// The community reviews it and sets the points a volunteer earns (the API takes no points from the resident).
// What is typed is kept as a draft in storage until it is sent.
import { useEffect, useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Button, Input, Textarea, View } from '@tarojs/components';
import { uploadPhotos, volunteerApi, volunteerMessageOf, type PickedPhoto } from '../../services';
import { PhotoPicker } from '../../components/ui';
import { volunteerDetail } from '../../routes';
import './volunteer.css';

const DRAFT_KEY = 'linli.wishDraft';
const MAX_PHOTOS = 9;

interface Draft {
  title: string;
  description: string;
  place: string;
}

const EMPTY: Draft = { title: '', description: '', place: '' };

function loadDraft(): Draft {
  try {
    const d: unknown = Taro.getStorageSync(DRAFT_KEY);
    return d && typeof d === 'object' ? { ...EMPTY, ...(d as Partial<Draft>) } : EMPTY;
  } catch {
    return EMPTY;
  }
}

export default function PostWish() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState('');

  useLoad(() => setDraft(loadDraft()));

  useEffect(() => {
    if (draft !== EMPTY) Taro.setStorageSync(DRAFT_KEY, draft);
  }, [draft]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const missing =
    draft.title.trim().length < 2
      ? '请用一句话说明心愿（至少 2 个字）'
      : !draft.description.trim()
        ? '请描述需要什么帮助'
        : !draft.place.trim()
          ? '请填写服务地点'
          : '';

  const submit = async () => {
    if (missing) {
      void Taro.showToast({ title: missing, icon: 'none' });
      return;
    }
    try {
      const ids = await uploadPhotos(photos, '微心愿', setBusy);
      setBusy('正在提交…');
      const created = await volunteerApi.postWish({
        title: draft.title.trim(),
        description: draft.description.trim(),
        place: draft.place.trim(),
        photoIds: ids,
      });
      Taro.removeStorageSync(DRAFT_KEY);
      void Taro.showToast({ title: '已提交，等待社区审核', icon: 'none' });
      await Taro.redirectTo({ url: volunteerDetail(created.id) });
    } catch (err) {
      void Taro.showToast({ title: volunteerMessageOf(err), icon: 'none', duration: 3000 });
      setBusy('');
    }
  };

  return (
    <View className="page" data-testid="wish-post">
      <View className="card">
        <View className="muted">
          生活中有需要邻居搭把手的小事，可以发布微心愿。社区审核通过后，注册志愿者会认领并上门帮忙，服务完成后请您确认。
        </View>
      </View>
      <View className="card">
        <View className="field">
          <View className="label">心愿</View>
          <Input
            className="input"
            id="wish-title"
            value={draft.title}
            maxlength={60}
            placeholder="一句话说明，如：帮忙更换卫生间灯泡"
            onInput={(e) => set({ title: e.detail.value })}
          />
        </View>
        <View className="field">
          <View className="label">详细说明</View>
          <Textarea
            className="textarea"
            id="wish-description"
            value={draft.description}
            maxlength={1000}
            placeholder="需要什么帮助、方便的时间、注意事项"
            onInput={(e) => set({ description: e.detail.value })}
          />
        </View>
        <View className="field">
          <View className="label">服务地点</View>
          <Input
            className="input"
            id="wish-place"
            value={draft.place}
            maxlength={200}
            placeholder="如：1号楼1单元101室"
            onInput={(e) => set({ place: e.detail.value })}
          />
        </View>
      </View>
      <View className="card">
        <View className="field">
          <View className="label">照片（选填，最多 9 张）</View>
          <PhotoPicker
            photos={photos}
            onChange={setPhotos}
            max={MAX_PHOTOS}
            addId="wish-add-photo"
            addLabel="+ 拍照/相册"
            testid="wish-photo"
          />
        </View>
        <View className="muted">志愿积分由社区审核时确定，完成后发放给志愿者。</View>
      </View>
      <Button className="btn" id="submit-wish" disabled={!!busy} onClick={submit}>
        {busy || '发布心愿'}
      </Button>
    </View>
  );
}
