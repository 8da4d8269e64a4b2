// 语音说明: tap to record (up to 60 s), tap again to stop; listen to it, or delete it and record again.
import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import {
  createVoiceRecorder,
  MAX_VOICE_MS,
  playVoice,
  voiceLength,
  type RecordedVoice,
  type VoiceRecorder,
} from '../services/voice';

export function VoiceNote({
  voice,
  onChange,
}: {
  voice: RecordedVoice | null;
  onChange: (v: RecordedVoice | null) => void;
}) {
  const recorder = useRef<VoiceRecorder | null>(null);
  const [since, setSince] = useState(0);
  const [now, setNow] = useState(0);

  useEffect(() => {
    if (!since) return;
    const tick = setInterval(() => {
      setNow(Date.now());
      // the recorder stops by itself at the limit: stop here too, so what it has is kept
      if (Date.now() - since >= MAX_VOICE_MS) void stop();
    }, 250);
    return () => clearInterval(tick);
  });

  const start = async () => {
    try {
      recorder.current = createVoiceRecorder();
      await recorder.current.start();
      setSince(Date.now());
      setNow(Date.now());
    } catch {
      recorder.current = null;
      void Taro.showToast({ title: '无法录音，请允许使用麦克风', icon: 'none' });
    }
  };
  const stop = async () => {
    const r = recorder.current;
    recorder.current = null;
    setSince(0);
    if (r) onChange(await r.stop());
  };

  if (voice)
    return (
      <View className="voice" data-testid="voice-recorded">
        <Button className="chip chip-on" id="voice-play" onClick={() => void playVoice({ path: voice.path })}>
          ▶ 语音 {voiceLength(voice.durationMs)}
        </Button>
        <Text className="link" id="voice-delete" onClick={() => onChange(null)}>
          删除重录
        </Text>
      </View>
    );
  return since ? (
    <Button className="btn btn-danger" id="voice-stop" onClick={() => void stop()}>
      ■ 停止录音 {voiceLength(now - since)} / 1:00
    </Button>
  ) : (
    <Button className="btn btn-secondary" id="voice-record" onClick={() => void start()}>
      🎤 点击开始录音（最长 60 秒）
    </Button>
  );
}
