// Photos: picked with Taro.chooseMedia (camera or album) and uploaded to POST /files as the raw body.
import Taro from '@tarojs/taro';
import type { FileInfo } from '@linli/contracts';
import { IS_H5 } from './env';
import { request, urlOf } from './http';
import { loadSession } from './session';

export interface PickedPhoto {
  /** a local path (weapp) or blob: URL (h5) to show before upload */
  path: string;
  size: number;
}

export async function pickPhotos(max: number): Promise<PickedPhoto[]> {
  const res = await Taro.chooseMedia({
    count: max,
    mediaType: ['image'],
    sourceType: ['album', 'camera'],
    sizeType: ['compressed'],
  });
  return res.tempFiles.map((f) => ({ path: f.tempFilePath, size: f.size }));
}

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

async function bytesOf(path: string): Promise<{ data: ArrayBuffer; contentType: string }> {
  if (IS_H5) {
    const blob = await (await fetch(path)).blob();
    return { data: await blob.arrayBuffer(), contentType: blob.type || 'image/jpeg' };
  }
  const data = await new Promise<ArrayBuffer>((resolve, reject) =>
    Taro.getFileSystemManager().readFile({
      filePath: path,
      success: (r) => resolve(r.data as ArrayBuffer),
      fail: (e) => reject(new Error(e.errMsg)),
    }),
  );
  const ext = path.split('.').pop()?.toLowerCase() ?? 'jpg';
  return { data, contentType: TYPES[ext] ?? 'image/jpeg' };
}

export async function uploadPhoto(photo: PickedPhoto, name: string): Promise<FileInfo> {
  const raw = await bytesOf(photo.path);
  return request<FileInfo>('POST', '/files', { raw, query: { name } });
}

/**
 * Uploads photos one after another (named `<label>1`, `<label>2` …), telling `progress` which one is on its
 * way; answers their file ids in order.
 */
export async function uploadPhotos(
  photos: PickedPhoto[],
  label: string,
  progress?: (text: string) => void,
): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, p] of photos.entries()) {
    progress?.(`正在上传照片 ${i + 1}/${photos.length}…`);
    ids.push((await uploadPhoto(p, `${label}${i + 1}`)).id);
  }
  return ids;
}

/**
 * A URL the Image component can show for an uploaded file. Downloads need the token: in the browser the
 * file is fetched with it and shown from a blob: URL; in WeChat it is downloaded to a temp file.
 */
export async function displayUrlOf(fileId: string): Promise<string> {
  const token = loadSession()?.accessToken ?? '';
  const url = urlOf(`/files/${fileId}`);
  if (IS_H5) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return URL.createObjectURL(await res.blob());
  }
  const res = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } });
  return res.tempFilePath;
}
