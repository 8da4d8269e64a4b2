// The app's own small component set: states (loading / error / empty), stars, chips, photo grids.
import { useEffect, useState, type ReactNode } from 'react';
import { Button, Image, Text, View } from '@tarojs/components';
import { displayUrlOf, pickPhotos, type PickedPhoto } from '../services';

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className="state" data-testid="loading">
      {text}
    </View>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className="state state-error" data-testid="error">
      <View>{message}</View>
      {onRetry && (
        <Button className="btn btn-secondary" onClick={onRetry} data-testid="retry">
          重试
        </Button>
      )}
    </View>
  );
}

export function Empty({ text, action }: { text: string; action?: ReactNode }) {
  return (
    <View className="state" data-testid="empty">
      <View>{text}</View>
      {action}
    </View>
  );
}

/** what a page shows while its data loads, when it failed, or when there is nothing */
export function Guard<T>({
  state,
  onRetry,
  children,
}: {
  state: Loaded<T>;
  onRetry: () => void;
  children: (data: T) => ReactNode;
}) {
  if (state.error) return <ErrorState message={state.error} onRetry={onRetry} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export interface Loaded<T> {
  data?: T;
  error?: string;
}

export function Stars({ value, onChange }: { value: number; onChange?: (v: number) => void }) {
  return (
    <View className="stars" role="radiogroup" aria-label="评分">
      {[1, 2, 3, 4, 5].map((n) => (
        <Text
          key={n}
          id={`star-${n}`}
          className={`star ${n <= value ? 'star-on' : ''}`}
          onClick={() => onChange?.(n)}
          aria-label={`${n}星`}
        >
          ★
        </Text>
      ))}
    </View>
  );
}

/** One choice among a few, as a row of chips (ids `${idPrefix}-${value}` for the tests). */
export function Chips<T extends string>({
  value,
  options,
  onChange,
  idPrefix,
}: {
  value: T;
  options: [T, string][];
  onChange: (v: T) => void;
  idPrefix: string;
}) {
  return (
    <View className="chips">
      {options.map(([v, label]) => (
        <View
          key={v}
          id={`${idPrefix}-${v}`}
          className={`chip ${value === v ? 'chip-on' : ''}`}
          onClick={() => onChange(v)}
        >
          {label}
        </View>
      ))}
    </View>
  );
}

/** uploaded photos of a case, fetched with the session's token */
export function FilePhotos({ ids }: { ids: string[] }) {
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    Promise.all(ids.map((id) => displayUrlOf(id).catch(() => '')))
      .then((u) => live && setUrls(u))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [ids.join(',')]);
  if (!ids.length) return null;
  return (
    <View className="photos">
      {ids.map((id, i) =>
        urls[i] ? (
          <Image key={id} className="photo" src={urls[i]!} mode="aspectFill" data-testid="case-photo" />
        ) : (
          <View key={id} className="photo" />
        ),
      )}
    </View>
  );
}

/** Photos taken or chosen for a form (not uploaded yet): a grid with an add tile, tap a photo to remove it. */
export function PhotoPicker({
  photos,
  onChange,
  max = 9,
  addId,
  addLabel = '+ 拍照',
  testid,
}: {
  photos: PickedPhoto[];
  onChange: (photos: PickedPhoto[]) => void;
  max?: number;
  /** element ids and test ids the browser tests use */
  addId: string;
  addLabel?: string;
  testid: string;
}) {
  const add = async () => {
    try {
      const picked = await pickPhotos(max - photos.length);
      onChange([...photos, ...picked].slice(0, max));
    } catch {
      // cancelled
    }
  };
  return (
    <>
      <View className="photos">
        {photos.map((p, i) => (
          <Image
            key={p.path}
            className="photo"
            src={p.path}
            mode="aspectFill"
            data-testid={testid}
            onClick={() => onChange(photos.filter((_, j) => j !== i))}
          />
        ))}
        {photos.length < max && (
          <View className="photo-add" id={addId} onClick={add}>
            {addLabel}
          </View>
        )}
      </View>
      {photos.length > 0 && <View className="muted">点击照片可删除</View>}
    </>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
