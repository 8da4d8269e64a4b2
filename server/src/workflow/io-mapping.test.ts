// Camunda 7 input/output parameters: the diagram decides what a service task receives and what a task sets.
import type { ServiceHandler } from '@linli/workflows';
import { fixture, scenario, type Scenario } from './testing.js';

let s: Scenario;
const received: unknown[] = [];
const record: ServiceHandler = async ({ input }) => {
  received.push(input);
  return { ticketNo: 'WX-2026-0001', internal: 'not for the process' };
};

beforeAll(async () => {
  s = await scenario({ 'test.record': record });
});
afterAll(async () => s.dispose());

it('given output parameters on a user task, when it completes, then only the mapped variables are set', async () => {
  const processId = await s.deploy('user-task.bpmn');
  const instance = await s.wf.runtime.start({
    processId,
    initiator: 'u1',
    variables: { manager: 'u2', houseId: 'h-1' },
  });
  const [task] = await s.openTasks(instance.id);
  s.restart();
  const done = await s.wf.runtime.completeTask(task!.id, {
    actor: 'u1',
    variables: { accepted: true, scribble: 'x' },
  });
  expect(done.variables.accepted).toBe(true);
  expect(done.variables).not.toHaveProperty('scribble');
});

it('given input and output parameters on a service task, then the handler gets the inputs and the outputs are mapped', async () => {
  const io = `<bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="room">\${houseId}</camunda:inputParameter>
        <camunda:inputParameter name="kind">报修</camunda:inputParameter>
        <camunda:outputParameter name="ticket">\${ticketNo}</camunda:outputParameter>
      </camunda:inputOutput></bpmn:extensionElements>`;
  const xml = fixture('service-task.bpmn').replace(
    '<bpmn:serviceTask id="Task_Record" name="记录" camunda:type="external" camunda:topic="test.record">',
    `<bpmn:serviceTask id="Task_Record" name="记录" camunda:type="external" camunda:topic="test.record">${io}`,
  );
  const { definition } = await s.wf.runtime.deploy(xml, null);
  const instance = await s.wf.runtime.start({
    processId: definition.processId,
    variables: { houseId: 'h-9' },
  });
  expect(received.at(-1)).toEqual({ room: 'h-9', kind: '报修' });
  const stored = await s.wf.store.getInstance(instance.id);
  expect(stored!.variables.ticket).toBe('WX-2026-0001');
  expect(stored!.variables).not.toHaveProperty('internal');
});
