import { InvalidParameterException } from '../errors.js';

/**
 * The rules of a pool's LambdaConfig beyond the model's (ARN patterns, versions, required members,
 * which the request validator checks), for CreateUserPool and UpdateUserPool
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LambdaConfigType.html).
 *
 * - PreTokenGeneration and PreTokenGenerationConfig.LambdaArn name the same function when both are
 *   given ("its value must be identical"); either one alone sets both, as DescribeUserPool shows
 *   them (the legacy member alone is version V1_0).
 * - A custom SMS or email sender needs the KMS key Cognito encrypts the codes with (KMSKeyID).
 */
export function checkLambdaConfig(input: Record<string, any> | undefined): Record<string, any> | undefined {
  if (input === undefined) return undefined;
  const config = { ...input };
  const legacy: string | undefined = config.PreTokenGeneration;
  const versioned: { LambdaVersion: string; LambdaArn: string } | undefined = config.PreTokenGenerationConfig;
  if (legacy !== undefined && versioned !== undefined && versioned.LambdaArn !== legacy) {
    throw InvalidParameterException('PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function ARN.');
  }
  if (versioned !== undefined) config.PreTokenGeneration = versioned.LambdaArn;
  else if (legacy !== undefined) config.PreTokenGenerationConfig = { LambdaVersion: 'V1_0', LambdaArn: legacy };
  if ((config.CustomSMSSender !== undefined || config.CustomEmailSender !== undefined) && config.KMSKeyID === undefined) {
    throw InvalidParameterException('KMSKeyID is required when CustomSMSSender or CustomEmailSender is set.');
  }
  return config;
}
