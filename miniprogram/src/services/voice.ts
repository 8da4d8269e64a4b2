// Voice notes (语音说明): recorded with WeChat's RecorderManager (mp3) or, in the browser build, the page's
// MediaRecorder (mp4 or webm, whichever the browser records), uploaded to POST /files as an audio file and played
// back from its download with an InnerAudioContext.
import Taro from '@tarojs/taro';
import type { FileInfo } from '@linli/contracts';
import { IS_H5 } from './env';
import { request } from './http';
import { displayUrlOf } from './files';

/** the longest voice note (WeChat's recorder stops by itself at this length) */
export const MAX_VOICE_MS = 60_000;

export interface RecordedVoice {
  /** a local path (weapp) or blob: URL (h5) */
  path: string;
  durationMs: number;
  contentType: string;
}

export interface VoiceRecorder {
  start(): Promise<void>;
  /** stops and answers what was recorded */
  stop(): Promise<RecordedVoice>;
}

function weappRecorder(): VoiceRecorder {
  const manager = Taro.getRecorderManager();
  let began = 0;
  return {
    start: () =>
      new Promise<void>((resolve, reject) => {
        manager.onStart(() => resolve());
        manager.onError((e) => reject(new Error(e.errMsg)));
        began = Date.now();
        manager.start({ format: 'mp3', duration: MAX_VOICE_MS, sampleRate: 16000, numberOfChannels: 1 });
      }),
    stop: () =>
      new Promise<RecordedVoice>((resolve) => {
        manager.onStop((res) =>
          resolve({
            path: res.tempFilePath,
            durationMs: res.duration || Date.now() - began,
            contentType: 'audio/mpeg',
          }),
        );
        manager.stop();
      }),
  };
}

/** the browser's recorder: the first audio container it can write that the server accepts */
function browserRecorder(): VoiceRecorder {
  let recorder: MediaRecorder | null = null;
  let stream: MediaStream | null = null;
  let chunks: Blob[] = [];
  let began = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const type = ['audio/mp4', 'audio/webm'].find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
  return {
    async start() {
      if (!type) throw new Error('this browser cannot record audio');
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      chunks = [];
      recorder = new MediaRecorder(stream, { mimeType: type });
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.start();
      began = Date.now();
      timer = setTimeout(() => recorder?.state === 'recording' && recorder.stop(), MAX_VOICE_MS);
    },
    stop: () =>
      new Promise<RecordedVoice>((resolve, reject) => {
        const r = recorder;
        if (!r) return reject(new Error('not recording'));
        clearTimeout(timer);
        const done = () => {
          stream?.getTracks().forEach((t) => t.stop());
          const blob = new Blob(chunks, { type });
          resolve({ path: URL.createObjectURL(blob), durationMs: Date.now() - began, contentType: type });
        };
        if (r.state === 'inactive') return done();
        r.onstop = done;
        r.stop();
      }),
  };
}

export function createVoiceRecorder(): VoiceRecorder {
  return IS_H5 ? browserRecorder() : weappRecorder();
}

async function voiceBytes(v: RecordedVoice): Promise<ArrayBuffer> {
  if (IS_H5) return (await fetch(v.path)).arrayBuffer();
  return new Promise<ArrayBuffer>((resolve, reject) =>
    Taro.getFileSystemManager().readFile({
      filePath: v.path,
      success: (r) => resolve(r.data as ArrayBuffer),
      fail: (e) => reject(new Error(e.errMsg)),
    }),
  );
}

export async function uploadVoice(v: RecordedVoice, name: string): Promise<FileInfo> {
  const data = await voiceBytes(v);
  return request<FileInfo>('POST', '/files', { raw: { data, contentType: v.contentType }, query: { name } });
}

/** "0:07" */
export const voiceLength = (ms: number) =>
  `${Math.floor(ms / 60_000)}:${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}`;

/** plays a voice note: an uploaded file (by id) or one just recorded (by path) */
export async function playVoice(source: { fileId: string } | { path: string }): Promise<void> {
  const audio = Taro.createInnerAudioContext();
  audio.src = 'fileId' in source ? await displayUrlOf(source.fileId) : source.path;
  audio.onEnded(() => audio.destroy());
  audio.onError(() => audio.destroy());
  audio.play();
}
