// The product's name, as mails, password rules and pages say it.
export const PRODUCT_NAME = 'Portcullis'
