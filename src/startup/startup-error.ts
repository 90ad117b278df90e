/**
 * Start-up found something a person must put right before the bot can run without losing cases;
 * the message says what and how. The entry point prints it and exits 78 (EX_CONFIG).
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
