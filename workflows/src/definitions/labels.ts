// How a problem names an element: by the kind a modeller picked in the palette and the label they gave it, so
// that "User task "派单"" can be found in the diagram without reading ids.

/** `bpmn:IntermediateCatchEvent` → `Intermediate catch event` */
export function kindLabel(type: string): string {
  const local = type.replace(/^[^:]*:/, '');
  const words = local.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function elementLabel(el: { id: string; type: string; name?: string | undefined }): string {
  return el.name ? `${kindLabel(el.type)} "${el.name}"` : `${kindLabel(el.type)} ${el.id}`;
}
