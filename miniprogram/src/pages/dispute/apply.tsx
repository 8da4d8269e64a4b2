// 申请调解: a resident asks the community's mediation committee to mediate a dispute they are part of: the kind
// (a guess, the committee classifies on acceptance), a short title, what happened, the other party (name, and
// optionally phone and address) and up to 9 photos. The server adds the resident as the applicant. What is
// typed is kept as a draft in storage until it is sent, except the other party's phone: personal data stays
// out of storage, and once sent the server keeps it encrypted and only ever shows it masked.
import { useEffect, useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Button, Input, Textarea, View } from '@tarojs/components';
import type { DisputeCategory } from '@linli/contracts';
import { DISPUTE_CATEGORY_NAMES, disputesApi, uploadPhotos, type PickedPhoto } from '../../services';
import { PhotoPicker } from '../../components/ui';
import { toastError } from '../../components/use-loader';
import { disputeDetail } from '../../routes';

const DRAFT_KEY = 'linli.disputeDraft';
const MAX_PHOTOS = 9;
/** the kind chip for "not sure": sent without a category, the committee classifies it */
const UNSURE = '-';
const MOBILE = /^1[3-9]\d{9}$/;
/** contracts is imported for types only: the kinds in their order come from the names */
const CATEGORIES = Object.keys(DISPUTE_CATEGORY_NAMES) as DisputeCategory[];

interface Draft {
  category: string;
  title: string;
  description: string;
  otherName: string;
  otherAddress: string;
}

const EMPTY: Draft = { category: '', title: '', description: '', otherName: '', otherAddress: '' };

function loadDraft(): Draft {
  try {
    const d: unknown = Taro.getStorageSync(DRAFT_KEY);
    return d && typeof d === 'object' ? { ...EMPTY, ...(d as Partial<Draft>) } : EMPTY;
  } catch {
    return EMPTY;
  }
}

export default function DisputeApply() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  // not in the draft: see the file comment
  const [otherPhone, setOtherPhone] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState('');

  useLoad(() => setDraft(loadDraft()));

  useEffect(() => {
    if (draft !== EMPTY) Taro.setStorageSync(DRAFT_KEY, draft);
  }, [draft]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const phone = otherPhone.replace(/\s/g, '');

  const missing = !draft.category
    ? '请选择纠纷类型'
    : draft.title.trim().length < 2
      ? '请用一句话概括纠纷（至少 2 个字）'
      : !draft.description.trim()
        ? '请描述纠纷经过'
        : !draft.otherName.trim()
          ? '请填写对方当事人姓名'
          : phone && !MOBILE.test(phone)
            ? '对方手机号应为 11 位手机号码'
            : '';

  const submit = async () => {
    if (missing) {
      void Taro.showToast({ title: missing, icon: 'none' });
      return;
    }
    try {
      const ids = await uploadPhotos(photos, '调解材料', setBusy);
      setBusy('正在提交…');
      const address = draft.otherAddress.trim();
      const created = await disputesApi.apply({
        title: draft.title.trim(),
        description: draft.description.trim(),
        ...(draft.category !== UNSURE ? { category: draft.category as DisputeCategory } : {}),
        parties: [
          {
            name: draft.otherName.trim(),
            role: 'respondent',
            ...(phone ? { phone } : {}),
            ...(address ? { address } : {}),
          },
        ],
        fileIds: ids,
      });
      Taro.removeStorageSync(DRAFT_KEY);
      setOtherPhone('');
      void Taro.showToast({ title: '已提交申请', icon: 'success' });
      await Taro.redirectTo({ url: disputeDetail(created.id) });
    } catch (err) {
      toastError(err);
      setBusy('');
    }
  };

  return (
    <View className="page" data-testid="dispute-apply">
      <View className="card">
        <View className="muted">
          社区人民调解委员会免费调解邻里、家庭、物业等纠纷。提交后社区将在受理后安排调解员与您联系。
        </View>
      </View>
      <View className="card">
        <View className="field">
          <View className="label">纠纷类型</View>
          <View className="chips">
            {CATEGORIES.map((c) => (
              <View
                key={c}
                id={`dispute-category-${c}`}
                className={`chip ${draft.category === c ? 'chip-on' : ''}`}
                onClick={() => set({ category: c })}
              >
                {DISPUTE_CATEGORY_NAMES[c]}
              </View>
            ))}
            <View
              id="dispute-category-unsure"
              className={`chip ${draft.category === UNSURE ? 'chip-on' : ''}`}
              onClick={() => set({ category: UNSURE })}
            >
              不确定（由社区判断）
            </View>
          </View>
        </View>
        <View className="field">
          <View className="label">纠纷概要</View>
          <Input
            className="input"
            id="dispute-title"
            value={draft.title}
            maxlength={100}
            placeholder="一句话概括，如：楼上卫生间漏水"
            onInput={(e) => set({ title: e.detail.value })}
          />
        </View>
        <View className="field">
          <View className="label">纠纷经过</View>
          <Textarea
            className="textarea"
            id="dispute-description"
            value={draft.description}
            maxlength={4000}
            placeholder="发生了什么、持续多久、已经怎样沟通过、希望如何解决"
            onInput={(e) => set({ description: e.detail.value })}
          />
        </View>
      </View>
      <View className="card">
        <View className="card-title">对方当事人</View>
        <View className="field">
          <View className="label">姓名或称呼</View>
          <Input
            className="input"
            id="dispute-other-name"
            value={draft.otherName}
            maxlength={50}
            placeholder="如：王某、302室住户"
            onInput={(e) => set({ otherName: e.detail.value })}
          />
        </View>
        <View className="field">
          <View className="label">手机号（选填）</View>
          <Input
            className="input"
            id="dispute-other-phone"
            type="number"
            value={otherPhone}
            maxlength={11}
            placeholder="便于调解员联系对方，加密保存，仅调解员可见"
            onInput={(e) => setOtherPhone(e.detail.value)}
          />
        </View>
        <View className="field">
          <View className="label">住址（选填）</View>
          <Input
            className="input"
            id="dispute-other-address"
            value={draft.otherAddress}
            maxlength={200}
            placeholder="如：1号楼1单元302室"
            onInput={(e) => set({ otherAddress: e.detail.value })}
          />
        </View>
      </View>
      <View className="card">
        <View className="field">
          <View className="label">照片材料（选填，最多 9 张）</View>
          <PhotoPicker
            photos={photos}
            onChange={setPhotos}
            max={MAX_PHOTOS}
            addId="dispute-add-photo"
            addLabel="+ 拍照/相册"
            testid="dispute-photo"
          />
        </View>
      </View>
      <Button className="btn" id="submit-dispute" disabled={!!busy} onClick={submit}>
        {busy || '提交申请'}
      </Button>
    </View>
  );
}
