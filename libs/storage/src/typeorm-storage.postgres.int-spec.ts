// eslint-disable-next-line no-restricted-imports -- the contract suite is test-only and not exported by @tuneforge/core
import { describeStorageContract } from '../../core/src/testing/storage-contract';
import { postgresTestStorages } from './testing/test-storages';

const storages = postgresTestStorages();
afterAll(() => storages.cleanup());

describeStorageContract('TypeOrmStorage(postgres)', storages.factory);
