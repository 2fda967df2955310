import { customValidator } from '../../common/custom-validator.js';

/** A name of spaces alone is no name: it shows up blank in every listing. */
function blankProblem(value: unknown, field: string): string | undefined {
  // A non-string is reported by @IsString; this judges only text.
  if (typeof value !== 'string' || /\S/u.test(value)) return undefined;
  return `${field} must contain a character other than whitespace`;
}

export const IsNotBlank = customValidator('isNotBlank', blankProblem);
