import { readFileSync } from 'node:fs';
import { checkFormValues } from './forms.js';
import { parseDefinition } from './parse.js';
import type { FormFieldInfo } from './types.js';

const xml = readFileSync(new URL('../../../bpmn/fixtures/task-form.bpmn', import.meta.url), 'utf8');

async function inspectForm(): Promise<FormFieldInfo[]> {
  const parsed = await parseDefinition(xml);
  return parsed.elements.find((e) => e.id === 'Task_Inspect')!.form!;
}

describe('checkFormValues', () => {
  it('accepts a complete form and gives the values their types; variables the form does not name pass', async () => {
    // when
    const { variables, problems } = checkFormValues(await inspectForm(), {
      result: 'problem',
      extinguishers: '3',
      note: '  三楼灭火器过期  ',
      recheckOn: '2026-12-01',
      reported: true,
      photoIds: ['f-1'],
    });

    // then
    expect(problems).toEqual([]);
    expect(variables).toEqual({
      result: 'problem',
      extinguishers: 3,
      note: '三楼灭火器过期',
      recheckOn: '2026-12-01',
      reported: true,
      photoIds: ['f-1'],
    });
  });

  it('names every field that is missing or wrong, in the order of the form', async () => {
    // when
    const { problems } = checkFormValues(await inspectForm(), {
      result: 'maybe',
      extinguishers: 100,
      note: 'x'.repeat(201),
      recheckOn: '下周一',
      reported: 'yes',
    });

    // then
    expect(problems.map((p) => p.message)).toEqual([
      'form field "result" (巡查结论) must be one of normal, problem',
      'form field "extinguishers" (灭火器数量) must be at most 99',
      'form field "note" (情况说明) must be at most 200 characters',
      'form field "recheckOn" (复查日期) must be a date (YYYY-MM-DD or an ISO 8601 date-time)',
      'form field "reported" (已告知物业) must be true or false',
    ]);
  });

  it('requires the required fields and leaves out the empty optional ones', async () => {
    // when
    const { variables, problems } = checkFormValues(await inspectForm(), { note: '', extinguishers: '2.5' });

    // then
    expect(problems).toEqual([
      { field: 'result', message: 'form field "result" (巡查结论) is required' },
      { field: 'extinguishers', message: 'form field "extinguishers" (灭火器数量) must be a whole number' },
    ]);
    expect(variables).not.toHaveProperty('note');
  });
});
