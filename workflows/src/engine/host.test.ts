// given/when/then over the engine host alone: timers wait for the runtime, service calls report out.
import { compile, createEngine, stateOf, type ServiceCall } from './host.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="svc" />
    <serviceTask id="svc" camunda:type="external" camunda:topic="case.notify" />
    <sequenceFlow id="f2" sourceRef="svc" targetRef="wait" />
    <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>P40D</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="wait" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;

describe('the engine host', () => {
  it('reports a service call by its Camunda topic and waits for its answer', async () => {
    // given
    const calls: ServiceCall[] = [];
    const host = createEngine({
      version: await compile('def-1', 'p', xml),
      onServiceCall: (c) => calls.push(c),
    });
    // when
    await host.engine.execute({ listener: host.listener });
    // then
    expect(calls.map((c) => c.handler)).toEqual(['case.notify']);
    expect(host.timers.executing).toHaveLength(0);
    calls[0]!.done(null, {});
    expect(host.timers.executing.map((t) => t.owner?.id)).toEqual(['wait']);
  });

  it('keeps a 40-day timer pending instead of firing it in-process, and fires it on demand', async () => {
    // given
    const calls: ServiceCall[] = [];
    const host = createEngine({
      version: await compile('def-1', 'p', xml),
      onServiceCall: (c) => calls.push(c),
    });
    let ended = false;
    host.engine.on('end', () => (ended = true));
    await host.engine.execute({ listener: host.listener });
    calls[0]!.done(null, {});
    const timer = host.timers.executing[0]!;
    expect(timer.delay).toBeGreaterThan(2 ** 31); // beyond what setTimeout can hold
    // when
    expect(host.timers.fire(timer.owner!.executionId!)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    // then
    expect(ended).toBe(true);
    expect(host.timers.fire(timer.owner!.executionId!)).toBe(false);
  });

  it('stores state without the embedded model', async () => {
    const host = createEngine({ version: await compile('def-1', 'p', xml), onServiceCall: () => undefined });
    await host.engine.execute({ listener: host.listener });
    const state = (await stateOf(host.engine)) as { definitions: Record<string, unknown>[] };
    expect(state.definitions[0]).not.toHaveProperty('source');
  });
});
