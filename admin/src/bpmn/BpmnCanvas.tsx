// One bpmn-js instance in a container: the modeler (palette, properties panel with the Camunda 7 attributes,
// the 分配与处理程序 pickers under it, lint while editing) or a read-only navigated viewer with coloured markers.
import { useEffect, useRef, useState } from 'react';
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import { lintConfig } from './lint';
import { translateModule } from './translate';
import { AssignmentPanel } from './AssignmentPanel';

export type BpmnInstance = Modeler | NavigatedViewer;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Canvas {
  zoom(level?: string | number): number;
  viewbox(): { inner: Box; outer: Box };
  viewbox(box: Box): void;
  addMarker(id: string, cls: string): void;
}

/** One lint finding as bpmn-js-bpmnlint reports it, per element id. */
export interface LintIssue {
  id: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
  rule: string;
}

export interface BpmnCanvasProps {
  xml: string;
  editable: boolean;
  /** css classes to put on elements, by element id (read-only view) */
  markers?: Record<string, string[]>;
  onReady?: (instance: BpmnInstance) => void;
  onLint?: (issues: Record<string, LintIssue[]>) => void;
  onChange?: () => void;
  onError?: (message: string) => void;
}

export function BpmnCanvas({ xml, editable, markers, onReady, onLint, onChange, onError }: BpmnCanvasProps) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onReady, onLint, onChange, onError });
  callbacks.current = { onReady, onLint, onChange, onError };
  const [modeler, setModeler] = useState<Modeler | null>(null);

  useEffect(() => {
    const container = canvasRef.current!;
    const instance: BpmnInstance = editable
      ? new Modeler({
          container,
          propertiesPanel: { parent: panelRef.current! },
          additionalModules: [
            BpmnPropertiesPanelModule,
            BpmnPropertiesProviderModule,
            CamundaPlatformPropertiesProviderModule,
            CamundaBehaviorsModule,
            lintModule,
            translateModule,
          ],
          moddleExtensions: { camunda: camundaModdle },
          linting: { bpmnlint: lintConfig, active: true },
        } as ConstructorParameters<typeof Modeler>[0])
      : new NavigatedViewer({
          container,
          additionalModules: [translateModule],
          moddleExtensions: { camunda: camundaModdle },
        } as ConstructorParameters<typeof NavigatedViewer>[0]);
    let disposed = false;
    if (editable) {
      instance.on('linting.completed', (e: { issues: Record<string, LintIssue[]> }) =>
        callbacks.current.onLint?.(e.issues),
      );
      instance.on('commandStack.changed', () => callbacks.current.onChange?.());
    }
    instance
      .importXML(xml)
      .then(() => {
        if (disposed) return;
        const canvas = instance.get<Canvas>('canvas');
        canvas.zoom('fit-viewport');
        if (editable) {
          // leave room on the left for the palette, which would otherwise cover the first steps
          const { inner, outer } = canvas.viewbox();
          const scale = Math.min((outer.width - 140) / inner.width, (outer.height - 20) / inner.height, 1);
          canvas.viewbox({
            x: inner.x - 125 / scale,
            y: inner.y - 10 / scale,
            width: outer.width / scale,
            height: outer.height / scale,
          });
        }
        const registry = instance.get<{ get(id: string): unknown }>('elementRegistry');
        for (const [id, classes] of Object.entries(markers ?? {})) {
          if (registry.get(id)) for (const cls of classes) canvas.addMarker(id, cls);
        }
        if (editable) setModeler(instance as Modeler);
        callbacks.current.onReady?.(instance);
      })
      .catch((err: unknown) => {
        if (!disposed)
          callbacks.current.onError?.(`流程图无法打开：${err instanceof Error ? err.message : String(err)}`);
      });
    return () => {
      disposed = true;
      setModeler(null);
      instance.destroy();
    };
    // markers are applied once per diagram; a new diagram or mode makes a new instance
  }, [xml, editable, JSON.stringify(markers ?? {})]);

  return (
    <div className={editable ? 'editor' : 'viewer'} data-editable={editable ? 'true' : 'false'}>
      <div className="editor-canvas" id="bpmn-canvas" ref={canvasRef} />
      {editable && (
        <div className="editor-side">
          <div className="editor-panel" id="properties-panel" ref={panelRef} />
          <AssignmentPanel modeler={modeler} />
        </div>
      )}
    </div>
  );
}
