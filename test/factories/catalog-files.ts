/**
 * catalog-info.yaml texts as a repository holds them, for tests that put files in the GitHub
 * stand-in. Join several with `---\n`.
 */

const descriptionLine = (description: string | undefined) => (description === undefined ? '' : `  description: ${JSON.stringify(description)}\n`);

/** A service Component owned by team-a. */
export const componentFile = (name: string, options: { description?: string } = {}) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
${descriptionLine(options.description)}spec:
  type: service
  lifecycle: production
  owner: team-a
`;

/** A team Group without children. */
export const groupFile = (name: string, options: { description?: string } = {}) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${name}
${descriptionLine(options.description)}spec:
  type: team
  children: []
`;
