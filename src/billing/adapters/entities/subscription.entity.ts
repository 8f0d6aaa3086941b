import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryColumn('text', { name: 'provider_subscription_id' }) providerSubscriptionId: string;
  @Column('uuid', { name: 'user_id', nullable: true }) userId: string | null;
  @Column('text', { name: 'provider_customer_id' }) providerCustomerId: string;
  @Column('text') tier: string;
  @Column('text') status: string;
  @Column('timestamptz', { name: 'current_period_end', nullable: true }) currentPeriodEnd: Date | null;
  @Column('timestamptz', { name: 'past_due_since', nullable: true }) pastDueSince: Date | null;
  @Column('timestamptz', { name: 'last_event_at', nullable: true }) lastEventAt: Date | null;
}
