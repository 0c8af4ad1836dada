/** `npm run build`: pre-bundles every worker's workflows into its app's dist folder. */
import { buildAllBundles } from '../bundles';

buildAllBundles().then(
  (built) => {
    for (const [app, file] of Object.entries(built)) console.log(`${app}: ${file}`);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
