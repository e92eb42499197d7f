import pino from 'pino';

/**
 * One logger. Request bodies are never logged, so secrets (passwords, TOTP secrets, tokens,
 * sessions) cannot reach the log; the redaction list is a second line of defence for any
 * object that carries them by name.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: {
      paths: [
        '*.Password', '*.PreviousPassword', '*.ProposedPassword', '*.SecretCode', '*.AccessToken', '*.IdToken',
        '*.RefreshToken', '*.Session', '*.UserCode', '*.ClientSecret', '*.SECRET_HASH', '*.PASSWORD',
        '*.SOFTWARE_TOKEN_MFA_CODE', 'secret', 'password', 'token', 'session',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = pino.Logger;
