/**
 * A Boolean attribute's value (`email_verified`, `phone_number_verified`). Cognito accepts "True" as
 * well as "true", keeps the value as written, and treats both as true (aws-amplify/amplify-js#8205:
 * users created through the SDK with "True" count as verified in Cognito).
 */
export const isTrueValue = (value: string | undefined) => value !== undefined && value.toLowerCase() === 'true';

/** An email address and an E.164 phone number, as Cognito's formats for them. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[0-9]{4,15}$/;
export const isEmail = (s: string) => EMAIL.test(s);
export const isPhone = (s: string) => PHONE.test(s);
