import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossFileHover } from '../../server/src/core/features/navigation';
import { dedent, loadWorkspace } from '../helpers';

function hover(src: string): string | undefined {
  const { service, cursor } = loadWorkspace(src);
  const c = cursor!;
  return crossFileHover(service, c.text, c.cursor!, { kumaVersion: '2.14', validate: true })?.markdown;
}

const GENERATORS = dedent(`
  #- hostnames.yaml
  type: HostnameGenerator
  name: by-team
  spec:
    selector:
      meshService:
        matchLabels:
          team: payments
    template: '{{ .DisplayName }}.{{ label "team" }}.{{ .Mesh }}.mesh'
  ---
  type: HostnameGenerator
  name: needs-label
  spec:
    selector:
      meshService:
        matchLabels:
          team: payments
    template: '{{ label "missing" }}.mesh'
  ---
  type: HostnameGenerator
  name: unrelated
  spec:
    selector:
      meshService:
        matchLabels:
          team: other
    template: '{{ .Name }}.other'
  ---
  type: MeshMultiZoneService
  name: payments-global
  mesh: default
  spec:
    selector:
      meshService:
        matchLabels:
          team: payments
    ports:
      - port: 80
`);

test('hover on a MeshService name shows the host names the workspace generators give it', () => {
  const md = hover(
    GENERATORS +
      dedent(`
        #- ms.yaml
        type: MeshService
        name: pay$0ments
        mesh: default
        labels:
          team: payments
          kuma.io/display-name: payments-api
        spec:
          selector:
            dataplaneRef:
              name: x
      `),
  )!;
  assert.match(md, /`payments-api\.payments\.default\.mesh` from HostnameGenerator by-team \(hostnames\.yaml\)/);
  assert.match(
    md,
    /no host name \(template: :1: executing "" at <label>: error calling label: label missing not found\) from HostnameGenerator needs-label/,
  );
  assert.doesNotMatch(md, /unrelated/);
  assert.match(md, /`payments-api\.svc\.mesh\.local`/);
  assert.match(md, /Selected by MeshMultiZoneService payments-global \(`payments-global\.mzsvc\.mesh\.local`\)/);
});

test('a Kubernetes MeshService is reached through Kubernetes DNS', () => {
  const md = hover(
    dedent(`
      #- ms.yaml
      apiVersion: kuma.io/v1alpha1
      kind: MeshService
      metadata:
        name: re$0dis
        namespace: kuma-demo
      spec:
        selector:
          dataplaneRef:
            name: redis-0.kuma-demo
    `),
  )!;
  assert.match(md, /No HostnameGenerator in the workspace selects its labels/);
  assert.match(md, /`redis\.kuma-demo\.svc\.cluster\.local`/);
});
