import { isObj } from '../../kuma/resource';
import { kumaFacts } from '../../kuma/versions';
import { DNS1123_SUBDOMAIN } from '../../kuma/names';
import type { Rule } from './context';
import { systemNamespaceRule } from './common';
import { checkTemplate } from './goTemplate';
import { MSG_DNS1123_SUBDOMAIN_FORMAT } from './names';

/** `pkg/core/resources/apis/hostnamegenerator/api/v1alpha1/validate.go` (SPEC.md 4.4). */
const specRule: Rule = ({ res, version, report }) => {
  const spec = res.spec;
  const selector = isObj(spec.selector) ? spec.selector : {};
  const set = ['meshService', 'meshExternalService', 'meshMultiZoneService'].filter(
    (k) => selector[k] !== undefined && selector[k] !== null,
  );
  if (set.length !== 1) {
    const path = res.has(['spec', 'selector']) ? ['spec', 'selector'] : ['spec'];
    report('hostname-generator-invalid', path, 'exact one selector (meshService, meshExternalService) must be defined', {
      target: 'key',
      data: { path: 'spec.selector' },
    });
  }
  const template = spec.template;
  if (template === undefined || template === null || template === '') {
    if (res.has(['spec'])) {
      report('hostname-generator-invalid', res.has(['spec', 'template']) ? ['spec', 'template'] : ['spec'], 'must not be empty', {
        target: 'key',
        data: { path: 'spec.template' },
      });
    }
  } else if (typeof template === 'string') {
    const check = checkTemplate(template);
    if (check.parseError) {
      report('hostname-generator-invalid', ['spec', 'template'], `couldn't parse template: ${check.parseError}`);
    } else if (kumaFacts(version).hostnameGenerator.renderCheck) {
      if (check.renderError) {
        report('hostname-generator-invalid', ['spec', 'template'], `couldn't render template with stub values: ${check.renderError}`);
      } else if (check.rendered !== undefined) {
        const h = check.rendered;
        const problems: string[] = [];
        if (h.length > 253) problems.push('must be no more than 253 characters');
        if (!DNS1123_SUBDOMAIN.test(h)) problems.push(MSG_DNS1123_SUBDOMAIN_FORMAT);
        if (problems.length) {
          report(
            'hostname-generator-invalid',
            ['spec', 'template'],
            `template renders to ${JSON.stringify(h)} which is not a valid DNS name: ${problems.join(', ')}`,
          );
        }
      }
    }
  }
  const ext = spec.extension;
  if (
    kumaFacts(version).hostnameGenerator.extensionTypeRequired &&
    isObj(ext) &&
    (ext.type === undefined || ext.type === null || ext.type === '')
  ) {
    report('hostname-generator-invalid', ['spec', 'extension', 'type'], 'must not be empty', { target: 'key' });
  }
};

export const hostnameGeneratorRules: Rule[] = [systemNamespaceRule, specRule];
