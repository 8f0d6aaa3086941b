import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'tier_overrides' })
export class TierOverrideEntity {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;
  @Column('text') tier: string;
  @Column('timestamptz', { name: 'set_at' }) setAt: Date;
}
