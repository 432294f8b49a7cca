import { runService } from '@platform/service-kit';
import { createDataLakeSinkService } from './app';
import { loadDataLakeSinkConfig } from './config';

async function main(): Promise<void> {
  const { service, sink } = await createDataLakeSinkService(loadDataLakeSinkConfig());
  // runService stops on SIGTERM/SIGINT: the sink stores its open files, commits, and leaves the group
  await runService(service);
  await sink.start();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
