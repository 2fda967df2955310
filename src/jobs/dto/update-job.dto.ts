import { PartialType } from '@nestjs/swagger';
import { CreateJobDto } from './create-job.dto.js';

/**
 * Every field optional. `null` clears the nullable fields (`description`, `httpBody`,
 * `misfireWindowSeconds`) and is rejected for the others (see `JobDefinitionRules`).
 */
export class UpdateJobDto extends PartialType(CreateJobDto) {}
