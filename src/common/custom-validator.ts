import {
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

/** Says what is wrong with `value` (naming `field`), or `undefined` when it is valid. */
export type ProblemFinder = (value: unknown, field: string) => string | undefined;

/**
 * A class-validator decorator whose message is computed by the same function that judges
 * the value, so the 400 names the exact problem rather than a generic "is invalid".
 */
export function customValidator(
  name: string,
  problem: ProblemFinder,
): (options?: ValidationOptions) => PropertyDecorator {
  @ValidatorConstraint({ name })
  class Constraint implements ValidatorConstraintInterface {
    validate(value: unknown, args: ValidationArguments): boolean {
      return problem(value, args.property) === undefined;
    }

    defaultMessage(args: ValidationArguments): string {
      return problem(args.value, args.property) ?? `${args.property} is invalid`;
    }
  }

  return (options) => (target, propertyName) =>
    registerDecorator({
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: Constraint,
    });
}
