import { BadRequestException } from '@nestjs/common';
import type { TrialOrder, TrialPosition } from '@tuneforge/core';
import { fieldErrorBody } from '../common/error-body';

/** A decimal number as JSON writes them, or one of the non-finite values a trial may hold. */
const VALUE = /^([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|-?Infinity|NaN|null)$/;
const NUMBER = /^(0|[1-9][0-9]{0,9})$/;

/**
 * The `next` of a page as the API writes it: the trial number in number order, `<value>:<number>` in a
 * value order (`null:<number>` among the trials without a value). JavaScript's shortest round-trip form
 * of the value, so that the next page starts exactly after it.
 */
export function formatCursor(position: TrialPosition): string {
  if (position.value === undefined) return String(position.number);
  return `${position.value === null ? 'null' : String(position.value)}:${position.number}`;
}

/** `?after=` read for the order of the page. @throws BadRequestException naming `after` */
export function parseCursor(text: string, order: TrialOrder): TrialPosition {
  const byNumber = order === 'number' || order === '-number';
  const bad = (why: string) =>
    new BadRequestException(
      fieldErrorBody(
        400,
        'after',
        `${why}: pass the \`next\` of the previous page of the same order (got ${JSON.stringify(text)}).`,
      ),
    );
  if (byNumber) {
    if (!NUMBER.test(text)) throw bad(`in ${order} order after is a trial number`);
    return { number: Number(text) };
  }
  const colon = text.lastIndexOf(':');
  const valueText = text.slice(0, colon);
  const numberText = text.slice(colon + 1);
  if (colon < 0 || !VALUE.test(valueText) || !NUMBER.test(numberText)) {
    throw bad(`in ${order} order after is <value>:<number>`);
  }
  return { number: Number(numberText), value: valueText === 'null' ? null : Number(valueText) };
}
