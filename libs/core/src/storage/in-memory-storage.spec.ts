import { describeStorageContract } from '../testing/storage-contract';
import { InMemoryStorage } from './in-memory-storage';

describeStorageContract('InMemoryStorage', () => new InMemoryStorage());
