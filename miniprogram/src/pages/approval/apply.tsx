// 在线申请: the item's form (its fields rendered by type: text, number, date, select, ID number, phone) and a
// photo grid per material. Checked on the phone first (in Chinese), then by the server. What is typed is kept
// as a draft in storage per item until it is sent (the photos are not: they are local files).
import { useCallback, useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Textarea, View } from '@tarojs/components';
import type { ApprovalItem } from '@linli/contracts';
import {
  approvalsApi,
  askConsent,
  checkApprovalForm,
  formFieldsOf,
  formPayload,
  prepareConsent,
  type FormValues,
  type PickedPhoto,
} from '../../services';
import { Guard } from '../../components/ui';
import { toastError, useLoader } from '../../components/use-loader';
import { approvalDetail } from '../../routes';
import { FormFields, MaterialPhotos, missingMaterial, uploadMaterials } from './form';

const draftKey = (itemId: string) => `linli.approvalDraft.${itemId}`;

interface Draft {
  form: FormValues;
  comment: string;
}

function loadDraft(itemId: string): Draft {
  try {
    const d: unknown = Taro.getStorageSync(draftKey(itemId));
    if (d && typeof d === 'object') {
      const x = d as Partial<Draft>;
      return { form: x.form ?? {}, comment: x.comment ?? '' };
    }
  } catch {
    // no draft
  }
  return { form: {}, comment: '' };
}

function ApplyForm({ item }: { item: ApprovalItem }) {
  const fields = formFieldsOf(item);
  const [draft, setDraft] = useState<Draft>(() => loadDraft(item.id));
  const [photos, setPhotos] = useState<Record<string, PickedPhoto[]>>({});
  const [busy, setBusy] = useState('');

  useEffect(() => void prepareConsent(), []);
  useEffect(() => {
    const typed = draft.comment.trim() || Object.values(draft.form).some((v) => String(v).trim());
    if (typed) Taro.setStorageSync(draftKey(item.id), draft);
    else Taro.removeStorageSync(draftKey(item.id));
  }, [draft, item.id]);

  const submit = async () => {
    const problem = checkApprovalForm(fields, draft.form) || missingMaterial(item.materials, photos);
    if (problem) {
      void Taro.showToast({ title: problem, icon: 'none', duration: 3000 });
      return;
    }
    await askConsent('approval');
    try {
      const materials = await uploadMaterials(item.materials, photos, setBusy);
      setBusy('正在提交…');
      const created = await approvalsApi.apply({
        itemId: item.id,
        form: formPayload(fields, draft.form),
        materials,
        ...(draft.comment.trim() ? { comment: draft.comment.trim() } : {}),
      });
      Taro.removeStorageSync(draftKey(item.id));
      void Taro.showToast({ title: '已提交申请', icon: 'success' });
      await Taro.redirectTo({ url: approvalDetail(created.id) });
    } catch (err) {
      toastError(err);
      setBusy('');
    }
  };

  return (
    <>
      <View className="card">
        <View className="card-title">{item.name}</View>
        <View className="muted">
          承诺 {item.timeLimitDays} 个工作日内办结 · {item.orgUnitName}
        </View>
      </View>
      {fields.length > 0 && (
        <View className="card" data-testid="apply-form">
          <View className="card-title">填写信息</View>
          <FormFields
            fields={fields}
            values={draft.form}
            onChange={(key, value) => setDraft((d) => ({ ...d, form: { ...d.form, [key]: value } }))}
          />
        </View>
      )}
      {item.materials.length > 0 && (
        <View className="card" data-testid="apply-materials">
          <View className="card-title">上传材料</View>
          <MaterialPhotos
            materials={item.materials}
            photos={photos}
            onChange={(name, p) => setPhotos((all) => ({ ...all, [name]: p }))}
          />
        </View>
      )}
      <View className="card">
        <View className="field">
          <View className="label">备注（选填）</View>
          <Textarea
            className="textarea"
            id="apply-comment"
            value={draft.comment}
            maxlength={500}
            placeholder="需要向社区说明的情况"
            onInput={(e) => setDraft((d) => ({ ...d, comment: e.detail.value }))}
          />
        </View>
      </View>
      <Button className="btn" id="submit-approval" disabled={!!busy} onClick={submit}>
        {busy || '提交申请'}
      </Button>
    </>
  );
}

export default function ApprovalApply() {
  const { params } = useRouter();
  const itemId = params.itemId ?? '';
  const load = useCallback(() => approvalsApi.item(itemId), [itemId]);
  const [state, reload] = useLoader(load);
  return (
    <View className="page" data-testid="approval-apply">
      <Guard state={state} onRetry={reload}>
        {(item) => <ApplyForm item={item} />}
      </Guard>
    </View>
  );
}
