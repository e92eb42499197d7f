import type { OperationFactory } from '../deps.js';
import addCustomAttributes from './addCustomAttributes.js';
import adminAddUserToGroup from './adminAddUserToGroup.js';
import adminConfirmSignUp from './adminConfirmSignUp.js';
import adminCreateUser from './adminCreateUser.js';
import adminDeleteUser from './adminDeleteUser.js';
import adminDeleteUserAttributes from './adminDeleteUserAttributes.js';
import adminDisableUser from './adminDisableUser.js';
import adminEnableUser from './adminEnableUser.js';
import adminGetUser from './adminGetUser.js';
import adminInitiateAuth from './adminInitiateAuth.js';
import adminListGroupsForUser from './adminListGroupsForUser.js';
import adminRemoveUserFromGroup from './adminRemoveUserFromGroup.js';
import adminResetUserPassword from './adminResetUserPassword.js';
import adminRespondToAuthChallenge from './adminRespondToAuthChallenge.js';
import adminSetUserMFAPreference from './adminSetUserMFAPreference.js';
import adminSetUserPassword from './adminSetUserPassword.js';
import adminUpdateUserAttributes from './adminUpdateUserAttributes.js';
import adminUserGlobalSignOut from './adminUserGlobalSignOut.js';
import associateSoftwareToken from './associateSoftwareToken.js';
import changePassword from './changePassword.js';
import confirmForgotPassword from './confirmForgotPassword.js';
import confirmSignUp from './confirmSignUp.js';
import createGroup from './createGroup.js';
import createUserPool from './createUserPool.js';
import createUserPoolClient from './createUserPoolClient.js';
import deleteGroup from './deleteGroup.js';
import deleteUser from './deleteUser.js';
import deleteUserAttributes from './deleteUserAttributes.js';
import deleteUserPool from './deleteUserPool.js';
import deleteUserPoolClient from './deleteUserPoolClient.js';
import describeUserPool from './describeUserPool.js';
import describeUserPoolClient from './describeUserPoolClient.js';
import forgotPassword from './forgotPassword.js';
import getGroup from './getGroup.js';
import getTokensFromRefreshToken from './getTokensFromRefreshToken.js';
import getUser from './getUser.js';
import getUserPoolMfaConfig from './getUserPoolMfaConfig.js';
import globalSignOut from './globalSignOut.js';
import initiateAuth from './initiateAuth.js';
import listGroups from './listGroups.js';
import listUserPoolClients from './listUserPoolClients.js';
import listUserPools from './listUserPools.js';
import listUsers from './listUsers.js';
import listUsersInGroup from './listUsersInGroup.js';
import resendConfirmationCode from './resendConfirmationCode.js';
import respondToAuthChallenge from './respondToAuthChallenge.js';
import revokeToken from './revokeToken.js';
import setUserMFAPreference from './setUserMFAPreference.js';
import setUserPoolMfaConfig from './setUserPoolMfaConfig.js';
import signUp from './signUp.js';
import updateGroup from './updateGroup.js';
import updateUserAttributes from './updateUserAttributes.js';
import getUserAttributeVerificationCode from './getUserAttributeVerificationCode.js';
import verifyUserAttribute from './verifyUserAttribute.js';
import updateUserPool from './updateUserPool.js';
import updateUserPoolClient from './updateUserPoolClient.js';
import verifySoftwareToken from './verifySoftwareToken.js';
// user import jobs
import createUserImportJob from './createUserImportJob.js';
import describeUserImportJob from './describeUserImportJob.js';
import getCSVHeader from './getCSVHeader.js';
import listUserImportJobs from './listUserImportJobs.js';
import startUserImportJob from './startUserImportJob.js';
import stopUserImportJob from './stopUserImportJob.js';
// remembered devices
import adminForgetDevice from './adminForgetDevice.js';
import adminGetDevice from './adminGetDevice.js';
import adminListDevices from './adminListDevices.js';
import adminUpdateDeviceStatus from './adminUpdateDeviceStatus.js';
import confirmDevice from './confirmDevice.js';
import forgetDevice from './forgetDevice.js';
import getDevice from './getDevice.js';
import listDevices from './listDevices.js';
import updateDeviceStatus from './updateDeviceStatus.js';
// managed login: domains and resource servers
import createResourceServer from './createResourceServer.js';
import createUserPoolDomain from './createUserPoolDomain.js';
import deleteResourceServer from './deleteResourceServer.js';
import deleteUserPoolDomain from './deleteUserPoolDomain.js';
import describeResourceServer from './describeResourceServer.js';
import describeUserPoolDomain from './describeUserPoolDomain.js';
import listResourceServers from './listResourceServers.js';
import updateResourceServer from './updateResourceServer.js';
import updateUserPoolDomain from './updateUserPoolDomain.js';

/** Every implemented operation, by its wire name (X-Amz-Target suffix). */
export const operations: Record<string, OperationFactory> = {
  AddCustomAttributes: addCustomAttributes,
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminConfirmSignUp: adminConfirmSignUp,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminDeleteUserAttributes: adminDeleteUserAttributes,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminGetUser: adminGetUser,
  AdminInitiateAuth: adminInitiateAuth,
  AdminListGroupsForUser: adminListGroupsForUser,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminResetUserPassword: adminResetUserPassword,
  AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
  AdminSetUserMFAPreference: adminSetUserMFAPreference,
  AdminSetUserPassword: adminSetUserPassword,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  AssociateSoftwareToken: associateSoftwareToken,
  ChangePassword: changePassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ConfirmSignUp: confirmSignUp,
  CreateGroup: createGroup,
  CreateUserPool: createUserPool,
  CreateUserPoolClient: createUserPoolClient,
  DeleteGroup: deleteGroup,
  DeleteUser: deleteUser,
  DeleteUserAttributes: deleteUserAttributes,
  DeleteUserPool: deleteUserPool,
  DeleteUserPoolClient: deleteUserPoolClient,
  DescribeUserPool: describeUserPool,
  DescribeUserPoolClient: describeUserPoolClient,
  ForgotPassword: forgotPassword,
  GetGroup: getGroup,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  GetUser: getUser,
  GetUserPoolMfaConfig: getUserPoolMfaConfig,
  GlobalSignOut: globalSignOut,
  InitiateAuth: initiateAuth,
  ListGroups: listGroups,
  ListUserPoolClients: listUserPoolClients,
  ListUserPools: listUserPools,
  ListUsers: listUsers,
  ListUsersInGroup: listUsersInGroup,
  ResendConfirmationCode: resendConfirmationCode,
  RespondToAuthChallenge: respondToAuthChallenge,
  RevokeToken: revokeToken,
  SetUserMFAPreference: setUserMFAPreference,
  SetUserPoolMfaConfig: setUserPoolMfaConfig,
  SignUp: signUp,
  UpdateGroup: updateGroup,
  UpdateUserAttributes: updateUserAttributes,
  GetUserAttributeVerificationCode: getUserAttributeVerificationCode,
  VerifyUserAttribute: verifyUserAttribute,
  UpdateUserPool: updateUserPool,
  UpdateUserPoolClient: updateUserPoolClient,
  VerifySoftwareToken: verifySoftwareToken,
  // user import jobs
  CreateUserImportJob: createUserImportJob,
  DescribeUserImportJob: describeUserImportJob,
  GetCSVHeader: getCSVHeader,
  ListUserImportJobs: listUserImportJobs,
  StartUserImportJob: startUserImportJob,
  StopUserImportJob: stopUserImportJob,
  // remembered devices
  AdminForgetDevice: adminForgetDevice,
  AdminGetDevice: adminGetDevice,
  AdminListDevices: adminListDevices,
  AdminUpdateDeviceStatus: adminUpdateDeviceStatus,
  ConfirmDevice: confirmDevice,
  ForgetDevice: forgetDevice,
  GetDevice: getDevice,
  ListDevices: listDevices,
  UpdateDeviceStatus: updateDeviceStatus,
  // managed login: domains and resource servers
  CreateResourceServer: createResourceServer,
  CreateUserPoolDomain: createUserPoolDomain,
  DeleteResourceServer: deleteResourceServer,
  DeleteUserPoolDomain: deleteUserPoolDomain,
  DescribeResourceServer: describeResourceServer,
  DescribeUserPoolDomain: describeUserPoolDomain,
  ListResourceServers: listResourceServers,
  UpdateResourceServer: updateResourceServer,
  UpdateUserPoolDomain: updateUserPoolDomain,
};
