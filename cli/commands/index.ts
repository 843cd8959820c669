import type { Command } from '../defineCommand';
import { callCommand } from './callCommand';
import { cosExplainCommand } from './cosExplainCommand';
import { cosSignCommand } from './cosSignCommand';
import { decodeCommand } from './decodeCommand';
import { explainCommand } from './explainCommand';
import { keyTestCommand } from './keyTestCommand';
import { privateMapKeyCommand } from './privateMapKeyCommand';
import { sessionCommand } from './sessionCommand';
import { userSigCommand } from './userSigCommand';
import { verifyCommand } from './verifyCommand';

/** Every command, in the order of the tool's help. */
export const COMMANDS: readonly Command[] = [
  userSigCommand,
  privateMapKeyCommand,
  decodeCommand,
  verifyCommand,
  explainCommand,
  keyTestCommand,
  cosSignCommand,
  cosExplainCommand,
  sessionCommand,
  callCommand,
];
