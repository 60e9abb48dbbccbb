/**
 * Internal values of the schema's enums: the upstream wire strings each GraphQL enum value stands for. One table
 * serves both the resolvers (enum resolvers) and `codegen.ts` (`enumValues`, so generated types use wire values).
 */
export const ENUM_VALUES = {
  AccountingMode: { NONE: 'None', ADD_TO_DRAFT: 'AddToDraft', ADD_TO_INVOICE: 'AddToInvoice' },
  AccountingTime: { BEFORE_WORK: 'BeforeWork', AFTER_WORK: 'AfterWork' },
  InvoiceDelivery: { NONE: 'None', EMAIL: 'Email' },
  AgreementType: { PRIMARY: 'Primary', SUPPLEMENTARY: 'Supplementary' },
  PlanningDateType: { FIXED: 'Fixed', OPTIMAL: 'Optimal' },
  AssignmentAction: { NONE: 'None', SKIPPED: 'Skipped', COMPLETED: 'Completed' },
  AssignmentStatus: { NONE: 'None', APPENDED_TO_ORDER: 'AppendedToOrder', INVOICED: 'Invoiced', FULFILLED: 'Fulfilled' },
  PrevisionState: { PENDING: 'pending', RUNNING: 'running', DONE: 'done', FAILED: 'failed' },
  PrevisionTrainingType: {
    CLASSIFICATION: 'classification',
    MULTICLASSIFICATION: 'multiclassification',
    REGRESSION: 'regression',
    TEXT_SIMILARITY: 'text-similarity',
    OBJECT_DETECTION: 'object-detection',
  },
  PrevisionDataType: { TABULAR: 'tabular', TIMESERIES: 'timeseries', IMAGES: 'images' },
  PrevisionTrainingProfile: { QUICK: 'quick', NORMAL: 'normal', ADVANCED: 'advanced' },
  PrevisionAccessType: { PUBLIC: 'public', FINE_GRAINED: 'fine_grained', PRIVATE: 'private' },
  PrevisionConnectorType: { SQL: 'SQL', FTP: 'FTP', SFTP: 'SFTP', S3: 'S3', GCP: 'GCP' },
  PrevisionWriteMode: { REPLACE: 'replace', APPEND: 'append', TIMESTAMP: 'timestamp', SAFE: 'safe' },
  PrevisionPipelineExecType: { MANUAL: 'manual', RECURRING: 'recurring' },
  CivisRunState: { QUEUED: 'queued', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled', IDLE: 'idle' },
  CivisScriptLanguage: { SQL: 'sql', PYTHON3: 'python3', R: 'r', CONTAINER: 'containers' },
  CivisImportSyncType: {
    DBSYNC: 'Dbsync',
    AUTO_IMPORT: 'AutoImport',
    GDOC_IMPORT: 'GdocImport',
    GDOC_EXPORT: 'GdocExport',
    SALESFORCE: 'Salesforce',
  },
  CivisCompression: { NONE: 'none', GZIP: 'gzip', ZIP: 'zip' },
  CivisColumnDelimiter: { COMMA: 'comma', TAB: 'tab', PIPE: 'pipe' },
  CredentialType: {
    AMAZON_WEB_SERVICES_S3: 'Amazon Web Services S3',
    BITBUCKET: 'Bitbucket',
    CASS_NCOA_PAF: 'CASS/NCOA PAF',
    CERTIFICATE: 'Certificate',
    CIVIS_PLATFORM: 'Civis Platform',
    CUSTOM: 'Custom',
    DATABASE: 'Database',
    GOOGLE: 'Google',
    GITHUB: 'Github',
    SALESFORCE_USER: 'Salesforce User',
    SALESFORCE_CLIENT: 'Salesforce Client',
    TABLEAU_USER: 'TableauUser',
    // Not a Civis type: what a type this schema does not know reads as (and what no input may send).
    OTHER: '(other)',
  },
} as const;
