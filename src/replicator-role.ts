import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';

/**
 * The replicator's role, with everything this library grants it in one policy of its own.
 *
 * The role's default policy then holds only what users add to `replicatorRole`, so the cdk-nag
 * acknowledgements on the library's policy can never cover a wildcard a user adds later. Grant to this
 * construct (it is the principal of the library's own grants); functions that run as the replicator use
 * `functionRole`, which drops the grants the CDK makes for them, and are granted through this construct instead.
 */
export class ReplicatorRole extends Construct implements iam.IPrincipal {
  readonly role: iam.Role;
  /** The library's statements for the role. */
  readonly policy: iam.Policy;
  /** The role as functions use it: grants made to it are dropped (the library grants through this construct). */
  readonly functionRole: iam.IRole;
  readonly grantPrincipal: iam.IPrincipal = this;
  readonly assumeRoleAction: string;
  readonly policyFragment: iam.PrincipalPolicyFragment;
  readonly principalAccount?: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A sibling, not a child: the role keeps the logical id it had before this construct existed, so an upgrade
    // does not replace a role that may be registered as a Lake Formation admin.
    this.role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'lake-replica: reads the source Glue Data Catalog and converges the target Regions',
    });
    this.policy = new iam.Policy(this, 'Policy', { roles: [this.role] });
    this.functionRole = this.role.withoutPolicyUpdates();
    this.assumeRoleAction = this.role.assumeRoleAction;
    this.policyFragment = this.role.policyFragment;
    this.principalAccount = this.role.principalAccount;
  }

  addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  /** Makes each construct wait for the library's policy (a stream event source mapping checks its role's permissions when it is created). */
  policyBefore(...constructs: IConstruct[]): void {
    for (const construct of constructs) construct.node.addDependency(this.policy);
  }
}
