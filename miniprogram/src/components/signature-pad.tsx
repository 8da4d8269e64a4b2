// A signature pad (签名板): a Taro Canvas to sign on with a finger (WeChat and the browser) or the mouse (the
// browser), 清除 to start again, and 确认签名 handing the signature over as a PNG (a temp file in WeChat, a
// data: URL in the browser) for the upload service. In WeChat the canvas is the 2d canvas node from a selector
// query with its touch events; in the browser Taro renders a <canvas> inside its element, drawn with pointer
// events (mouse, touch and pen alike).
import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Canvas, View } from '@tarojs/components';
import { type PickedPhoto } from '../services';
import { IS_H5 } from '../services/env';
import './signature-pad.css';

type Ctx = CanvasRenderingContext2D;
interface Pad {
  canvas: HTMLCanvasElement;
  ctx: Ctx;
  /** CSS pixels to canvas pixels */
  scale: number;
}

const INK = '#1f2a24';

function pen(ctx: Ctx, width: number) {
  ctx.strokeStyle = INK;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
}

export function SignaturePad({
  id,
  onSigned,
  busy = '',
  label = '确认签名',
}: {
  /** the canvas id (unique on the page) */
  id: string;
  /** the drawn signature as a PNG to upload */
  onSigned: (png: PickedPhoto) => void | Promise<void>;
  /** shown on the button while the parent uploads */
  busy?: string;
  label?: string;
}) {
  const pad = useRef<Pad | null>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const [strokes, setStrokes] = useState(0);
  const [error, setError] = useState('');
  /** the canvas is found and can be drawn on */
  const [ready, setReady] = useState(false);

  /** every stroke so far, in CSS pixels: drawn again when the canvas was reset under us (Taro's h5 canvas
   * resizes, and so clears, itself when it renders again) and before the image is taken */
  const lines = useRef<{ x: number; y: number }[][]>([]);
  const redraw = () => {
    const p = pad.current;
    if (!p) return;
    p.ctx.clearRect(0, 0, p.canvas.width, p.canvas.height);
    pen(p.ctx, 2.5 * p.scale);
    p.ctx.fillStyle = INK;
    for (const line of lines.current) {
      const [first, ...rest] = line;
      if (!first) continue;
      p.ctx.beginPath();
      p.ctx.arc(first.x * p.scale, first.y * p.scale, 1.5 * p.scale, 0, Math.PI * 2);
      p.ctx.fill();
      if (!rest.length) continue;
      p.ctx.beginPath();
      p.ctx.moveTo(first.x * p.scale, first.y * p.scale);
      for (const pt of rest) p.ctx.lineTo(pt.x * p.scale, pt.y * p.scale);
      p.ctx.stroke();
    }
  };

  const begin = (x: number, y: number) => {
    if (!pad.current) return;
    last.current = { x, y };
    lines.current.push([{ x, y }]);
    // a dot, so a tap leaves a mark too
    redraw();
  };
  const move = (x: number, y: number) => {
    const p = pad.current;
    const from = last.current;
    if (!p || !from) return;
    p.ctx.beginPath();
    p.ctx.moveTo(from.x * p.scale, from.y * p.scale);
    p.ctx.lineTo(x * p.scale, y * p.scale);
    p.ctx.stroke();
    last.current = { x, y };
    lines.current[lines.current.length - 1]?.push({ x, y });
  };
  const end = () => {
    if (!last.current) return;
    last.current = null;
    setStrokes((n) => n + 1);
    setError('');
  };

  useEffect(() => {
    let cancelled = false;
    let detach = () => undefined as void;
    if (IS_H5) {
      // Taro's <taro-canvas-core> sizes its inner <canvas> to the element's CSS size once rendered
      const attach = () => {
        if (cancelled) return;
        const canvas = document.querySelector<HTMLCanvasElement>(`[id="${id}"] canvas`);
        const ctx = canvas?.getContext('2d');
        if (!canvas || !ctx || !canvas.width) {
          setTimeout(attach, 50);
          return;
        }
        const rect = canvas.getBoundingClientRect();
        const scale = rect.width ? canvas.width / rect.width : 1;
        pen(ctx, 2.5 * scale);
        pad.current = { canvas, ctx, scale };
        setReady(true);
        const at = (e: PointerEvent) => {
          const r = canvas.getBoundingClientRect();
          return [e.clientX - r.left, e.clientY - r.top] as const;
        };
        const down = (e: PointerEvent) => {
          e.preventDefault();
          canvas.setPointerCapture?.(e.pointerId);
          begin(...at(e));
        };
        const over = (e: PointerEvent) => {
          if (!last.current) return;
          e.preventDefault();
          move(...at(e));
        };
        const up = () => end();
        canvas.addEventListener('pointerdown', down);
        canvas.addEventListener('pointermove', over);
        canvas.addEventListener('pointerup', up);
        canvas.addEventListener('pointercancel', up);
        canvas.addEventListener('pointerleave', up);
        detach = () => {
          canvas.removeEventListener('pointerdown', down);
          canvas.removeEventListener('pointermove', over);
          canvas.removeEventListener('pointerup', up);
          canvas.removeEventListener('pointercancel', up);
          canvas.removeEventListener('pointerleave', up);
        };
      };
      attach();
    } else {
      Taro.nextTick(() =>
        Taro.createSelectorQuery()
          .select(`#${id}`)
          .fields({ node: true, size: true })
          .exec((res: { node?: HTMLCanvasElement; width: number; height: number }[]) => {
            const hit = res?.[0];
            if (cancelled || !hit?.node) return;
            const dpr = Taro.getSystemInfoSync().pixelRatio || 2;
            const canvas = hit.node;
            canvas.width = hit.width * dpr;
            canvas.height = hit.height * dpr;
            const ctx = canvas.getContext('2d') as Ctx;
            pen(ctx, 2.5 * dpr);
            pad.current = { canvas, ctx, scale: dpr };
            setReady(true);
          }),
      );
    }
    return () => {
      cancelled = true;
      detach();
    };
  }, [id]);

  const clear = () => {
    const p = pad.current;
    if (p) p.ctx.clearRect(0, 0, p.canvas.width, p.canvas.height);
    last.current = null;
    lines.current = [];
    setStrokes(0);
  };

  const save = async () => {
    const p = pad.current;
    if (!p || !strokes) {
      setError('请先在签名框内签名');
      return;
    }
    try {
      redraw();
      if (IS_H5) {
        const path = p.canvas.toDataURL('image/png');
        await onSigned({ path, size: path.length });
      } else {
        const res = await Taro.canvasToTempFilePath({
          canvas: p.canvas as unknown as Taro.Canvas,
          fileType: 'png',
        } as Taro.canvasToTempFilePath.Option);
        await onSigned({ path: res.tempFilePath, size: 0 });
      }
    } catch {
      setError('签名保存失败，请重试');
    }
  };

  // WeChat's 2d canvas reports touches in its own coordinates (x, y); the browser uses pointer events above
  type Touchy = { touches: { x: number; y: number }[] };
  const touchProps = IS_H5
    ? {}
    : {
        onTouchStart: (e: Touchy) => e.touches[0] && begin(e.touches[0].x, e.touches[0].y),
        onTouchMove: (e: Touchy) => e.touches[0] && move(e.touches[0].x, e.touches[0].y),
        onTouchEnd: end,
        onTouchCancel: end,
      };

  return (
    <View className="sig" data-testid="signature-pad" data-ready={ready ? 'yes' : 'no'}>
      <View className="sig-box">
        <Canvas
          type="2d"
          id={id}
          canvasId={id}
          className="sig-canvas"
          disableScroll
          {...(touchProps as object)}
        />
        {!strokes && <View className="sig-hint">请在此处签名</View>}
      </View>
      {error && (
        <View className="field-error" data-testid="signature-error">
          {error}
        </View>
      )}
      <View className="sig-actions">
        <Button className="btn btn-secondary sig-btn" id={`${id}-clear`} onClick={clear} disabled={!!busy}>
          清除
        </Button>
        <Button className="btn sig-btn" id={`${id}-save`} onClick={save} disabled={!!busy}>
          {busy || label}
        </Button>
      </View>
    </View>
  );
}
