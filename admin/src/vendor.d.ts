// Type declarations for the untyped bpmn.io packages the editor uses (CommonJS or plain JS without .d.ts).
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: object;
  export const BpmnPropertiesProviderModule: object;
  export const CamundaPlatformPropertiesProviderModule: object;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: object;
  export default module;
}
declare module 'camunda-bpmn-moddle/resources/camunda.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}
declare module 'bpmn-js-bpmnlint' {
  const module: object;
  export default module;
}
declare module 'bpmnlint/lib/resolver/static-resolver' {
  class StaticResolver {
    constructor(cache: Record<string, unknown>);
  }
  export default StaticResolver;
}
declare module 'bpmnlint/config/recommended' {
  const config: { rules: Record<string, string> };
  export default config;
}
declare module 'bpmnlint/rules/*' {
  const factory: () => unknown;
  export default factory;
}
