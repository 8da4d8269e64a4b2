// bpmn-moddle 9 (the one bpmn-engine 25 uses) ships no types.
declare module 'bpmn-moddle' {
  export default class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(
      xml: string,
      typeName?: string,
    ): Promise<{
      rootElement: unknown;
      warnings: unknown[];
      elementsById: Record<string, unknown>;
      references: unknown[];
    }>;
  }
}
