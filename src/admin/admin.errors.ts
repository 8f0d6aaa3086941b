import { AppError } from '../common/errors/app-error';

/** An administrator disabling or demoting themselves could leave nobody able to undo it. */
export class CannotChangeOwnAccess extends AppError {
  readonly status = 409;
  readonly code = 'CANNOT_CHANGE_OWN_ACCESS';
  constructor() {
    super('administrators cannot disable or demote their own account');
  }
}
