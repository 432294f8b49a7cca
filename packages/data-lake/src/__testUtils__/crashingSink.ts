// A sink that stops dead after its first files are in both stores and before it commits: the test kills it there.
import { createDataLakeSinkService } from '../app';
import { loadDataLakeSinkConfig } from '../config';

createDataLakeSinkService(loadDataLakeSinkConfig(), {
  beforeCommit: async offset => {
    process.stdout.write(`STORED ${JSON.stringify(offset)}\n`);
    await new Promise(() => undefined);
  },
})
  .then(({ sink }) => sink.start())
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
