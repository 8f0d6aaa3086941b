import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` of the routes under /api/mindmaps/:id, which the mindmaps and shares modules both serve. */
export class MapIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
