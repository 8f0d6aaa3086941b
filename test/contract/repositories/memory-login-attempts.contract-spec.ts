import { MemoryLoginAttempts } from '../../../src/auth/login-throttle/memory-login-attempts';
import { describeLoginAttemptsContract } from './login-attempts.contract';

describeLoginAttemptsContract('MemoryLoginAttempts', async () => ({
  attempts: new MemoryLoginAttempts(() => Date.now()),
  cleanup: async () => {},
}), { hasBackend: false });
