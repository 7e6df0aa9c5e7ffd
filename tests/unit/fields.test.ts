/** How a record's fields travel and compare, the same on the tablet and the endpoint (src/shared/fields.ts). */
import { describe, expect, it } from 'vitest';
import { fromWire, isShownField, sameValue, toWire } from '../../src/shared/fields.ts';

describe('sameValue', () => {
  it.each([
    ['equal text', 'Music helps', 'Music helps', true],
    ['different text', 'Music helps', 'Lego helps', false],
    ['a number and its text', 1, '1', false],
    ['nothing and null (a cleared field, read back or sent)', undefined, null, true],
    ['nothing and empty text', undefined, '', false],
    ['a value and nothing', '9R', undefined, false],
    ['the same list', ['a', 'b'], ['a', 'b'], true],
    ['a list in another order (pupils in a session keep theirs)', ['a', 'b'], ['b', 'a'], false],
    ['a longer list', ['a'], ['a', 'b'], false],
    ['a list and an object', ['a'], { 0: 'a' }, false],
    ['a contact with its keys in another order', { name: 'Ann', phone: '1' }, { phone: '1', name: 'Ann' }, true],
    ['a contact with another phone', { name: 'Ann', phone: '1' }, { name: 'Ann', phone: '2' }, false],
    ['a contact with a field more', { name: 'Ann' }, { name: 'Ann', phone: '1' }, false],
    ['contacts nested in a list, keys reordered', [{ name: 'Ann', email: '' }], [{ email: '', name: 'Ann' }], true],
    ['an object and null', { name: 'Ann' }, null, false],
    // A value of the wrong shape (from an older tablet, or a bad push) is never the same as an object.
    ['a number and an empty object', 0, {}, false],
    ['text and an object of its letters', 'Ann', { 0: 'A', 1: 'n', 2: 'n' }, false],
    ['a list of one empty entry and an empty list', [null], [], false],
  ])('%s: %s', (_, a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
    expect(sameValue(b, a)).toBe(expected);
  });
});

describe('the wire form', () => {
  it('sends a cleared field as null, so the change says it was cleared', () => {
    const values = toWire({ form: '9R', preferredName: undefined, whatHelps: '' }, ['form', 'preferredName', 'whatHelps']);
    expect(values).toEqual({ form: '9R', preferredName: null, whatHelps: '' });
    expect(JSON.parse(JSON.stringify(values))).toHaveProperty('preferredName', null);
  });

  it('sends only the fields named', () => {
    expect(toWire({ form: '9R', name: 'Jacob Smith' }, ['form'])).toEqual({ form: '9R' });
  });

  it('leaves a field cleared on the wire out of the record, and keeps empty text and false', () => {
    expect(fromWire({ id: 'p1', preferredName: null, form: '', concern: false, minutes: 0 })).toEqual({
      id: 'p1',
      form: '',
      concern: false,
      minutes: 0,
    });
  });
});

describe('fields shown with a record', () => {
  it.each([
    ['name', true],
    ['note', true],
    ['concern', true],
    ['updatedAt', false],
    ['createdAt', false],
    ['deviceId', false],
    ['mentorId', false],
    ['deletedAt', false],
  ])('%s: %s', (field, shown) => {
    expect(isShownField(field)).toBe(shown);
  });
});
