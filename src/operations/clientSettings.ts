import { InvalidParameterException } from '../errors.js';
import { DEFAULT_AUTH_FLOWS } from '../auth/client.js';
import { unitSeconds } from '../tokens/issue.js';


/**
 * The settings of an app client from a Create or Update request, with Cognito's defaults and
 * token-validity limits: access and ID tokens 5 minutes to 1 day, refresh tokens 60 minutes to
 * 10 years (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
 */
export function clientSettings(input: Record<string, any>): Record<string, any> {
  const { UserPoolId: _p, ClientId: _c, ClientName: _n, GenerateSecret: _g, ...rest } = input;
  const settings: Record<string, any> = {
    RefreshTokenValidity: 30,
    ExplicitAuthFlows: DEFAULT_AUTH_FLOWS,
    AllowedOAuthFlowsUserPoolClient: false,
    EnableTokenRevocation: true,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: 3,
    ...rest,
  };
  const units = { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days', ...settings.TokenValidityUnits };
  const check = (name: string, value: unknown, unit: string, min: number, max: number, range: string) => {
    if (typeof value !== 'number') return;
    const seconds = value * unitSeconds[unit];
    if (seconds < min || seconds > max) throw InvalidParameterException(`${name} must be between ${range}.`);
  };
  check('AccessTokenValidity', settings.AccessTokenValidity, units.AccessToken, 300, 86400, '5 minutes and 1 day');
  check('IdTokenValidity', settings.IdTokenValidity, units.IdToken, 300, 86400, '5 minutes and 1 day');
  check('RefreshTokenValidity', settings.RefreshTokenValidity, units.RefreshToken, 3600, 315360000, '60 minutes and 10 years');
  const flows: string[] = settings.ExplicitAuthFlows;
  if (flows.some((f) => f.startsWith('ALLOW_')) && flows.some((f) => !f.startsWith('ALLOW_'))) {
    throw InvalidParameterException('ExplicitAuthFlows can not have both ALLOW_ prefixed and legacy values.');
  }
  return settings;
}
