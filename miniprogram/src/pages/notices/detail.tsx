// 公告详情: one notice or party-building news item: title, where it is from and when, the cover, the body in
// paragraphs (plain text, never markup), the attachments' names. Opening it marks it read.
import { useCallback, useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import type { Notice } from '@linli/contracts';
import { NOTICE_KIND_NAMES, noticesApi, paragraphsOf } from '../../services';
import { formatTime, Guard } from '../../components/ui';
import { useLoader } from '../../components/use-loader';

function Cover({ id }: { id: string }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    let live = true;
    noticesApi
      .coverUrl(id)
      .then((u) => live && setSrc(u))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id]);
  return src ? (
    <Image
      src={src}
      mode="widthFix"
      style={{ width: '100%', borderRadius: '8px' }}
      data-testid="notice-cover"
    />
  ) : null;
}

export default function NoticeDetail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const load = useCallback(() => noticesApi.get(id), [id]);
  const [state, reload] = useLoader<Notice>(load);
  return (
    <View className="page" data-testid="notice-detail">
      <Guard state={state} onRetry={reload}>
        {(n) => (
          <View className="card">
            <View className="card-title" data-testid="notice-detail-title">
              {n.title}
            </View>
            <View className="muted" style={{ marginBottom: '12px' }}>
              <Text className="tag">{NOTICE_KIND_NAMES[n.kind]}</Text> {n.orgUnitName} · {n.authorName} ·{' '}
              {formatTime(n.publishedAt)}
            </View>
            {n.coverFileId && <Cover id={n.id} />}
            <View data-testid="notice-body">
              {paragraphsOf(n.body).map((p, i) => (
                <View
                  key={i}
                  className="notice-paragraph"
                  style={{ margin: '12px 0', lineHeight: 1.7, textIndent: '2em', whiteSpace: 'pre-wrap' }}
                >
                  {p}
                </View>
              ))}
            </View>
            {n.attachments.length > 0 && (
              <View className="muted" data-testid="notice-attachments">
                附件：{n.attachments.map((a) => a.name).join('、')}（请到社区服务站查看）
              </View>
            )}
          </View>
        )}
      </Guard>
    </View>
  );
}
