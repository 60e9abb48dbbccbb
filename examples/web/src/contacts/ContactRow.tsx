/** One contact of the table. Its fragment says what it reads; fragment masking hides the rest from it. */
import { graphql, useFragment, type FragmentType } from '../generated/index.js';

export const ContactRowFragment = graphql(`
  fragment ContactRow_contact on Contact {
    name
    email
    address {
      city
    }
    predict(endpointName: "churn") {
      ignored
      result {
        ... on ClassificationResult {
          predictedClass
          probabilities {
            label
            probability
          }
        }
      }
    }
  }
`);

export function ContactRow(props: { contact: FragmentType<typeof ContactRowFragment> }) {
  const contact = useFragment(ContactRowFragment, props.contact);
  const result = contact.predict?.result;
  const churn = result && 'probabilities' in result ? result.probabilities.find((p) => p.label === 'churn')?.probability : undefined;
  return (
    <tr data-testid="contact-row">
      <td>{contact.name}</td>
      <td>{contact.address?.city ?? ''}</td>
      <td>{result && 'predictedClass' in result ? result.predictedClass : contact.predict?.ignored ? 'not scored' : ''}</td>
      <td className="score" data-testid="churn-score">
        {churn === undefined ? '–' : `${(churn * 100).toFixed(1)} %`}
      </td>
    </tr>
  );
}
