"""The properties each entity has, as Exact's REST reference lists them (names taken from
picqer/exact-php-client's models, regenerated from HlpRestAPIResourcesDetails.aspx). A write
naming any other property is refused, as Exact refuses it; $select may name only these."""


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


PROPERTIES = {
    "crm/Accounts": _names(
        """
        ID Accountant AccountManager AccountManagerFullName AccountManagerHID ActivitySector
        ActivitySubSector AddressLine1 AddressLine2 AddressLine3 AutomaticProcessProposedEntry
        BankAccounts Blocked BSN BusinessType CanDropShip ChamberOfCommerce City
        Classification1 Classification2 Classification3 Classification4 Classification5
        Classification6 Classification7 Classification8 Code CodeAtSupplier CompanySize
        ConsolidationScenario ControlledDate Country CountryName Created Creator
        CreatorFullName CreditLinePurchase CreditLineSales CustomField DatevCreditorCode
        DatevDebtorCode DeliveryAdvice DiscountPurchase DiscountSales Division Email
        EnableSalesPaymentLink EndDate EORINumber EstablishedDate Fax GLAccountPurchase
        GLAccountSales GLAP GLAR GlnNumber HasWithholdingTaxSales IgnoreDatevWarningMessage
        IncotermAddressPurchase IncotermAddressSales IncotermCodePurchase IncotermCodeSales
        IncotermVersionPurchase IncotermVersionSales IntraStatArea IntraStatDeliveryTerm
        IntraStatSystem IntraStatTransactionA IntraStatTransactionB IntraStatTransportMethod
        InvoiceAccount InvoiceAccountCode InvoiceAccountName InvoiceAttachmentType
        InvoicingMethod IsAccountant IsAgency IsAnonymised IsCompetitor IsExtraDuty IsMailing
        IsPilot IsReseller IsSales IsSupplier Language LanguageDescription Latitude
        LeadPurpose LeadSource Logo LogoFileName LogoThumbnailUrl LogoUrl Longitude
        MainContact Modified Modifier ModifierFullName Name OINNumber Parent PayAsYouEarn
        PaymentConditionPurchase PaymentConditionPurchaseDescription PaymentConditionSales
        PaymentConditionSalesDescription PeppolIdentifier PeppolIdentifierType Phone
        PhoneExtension Postcode PriceList PurchaseCurrency PurchaseCurrencyDescription
        PurchaseLeadDays PurchaseVATCode PurchaseVATCodeDescription RecepientOfCommissions
        Remarks Reseller ResellerCode ResellerName RSIN SalesCurrency SalesCurrencyDescription
        SalesVATCode SalesVATCodeDescription SearchCode SecurityLevel
        SeparateInvPerSubscription ShippingLeadDays ShippingMethod ShowRemarkForSales
        StartDate State StateName Status TradeName Type UniqueTaxpayerReference VATLiability
        VATNumber Website
        """
    ),
    "salesinvoice/SalesInvoices": _names(
        """
        InvoiceID AmountDC AmountDiscount AmountDiscountExclVat AmountFC AmountFCExclVat
        Created Creator CreatorFullName Currency DeliverTo DeliverToAddress
        DeliverToContactPerson DeliverToContactPersonFullName DeliverToName Description
        Discount DiscountType Division Document DocumentNumber DocumentSubject DueDate
        ExtraDutyAmountFC GAccountAmountFC IncotermAddress IncotermCode IncotermVersion
        InvoiceDate InvoiceNumber InvoiceTo InvoiceToContactPerson
        InvoiceToContactPersonFullName InvoiceToName IsExtraDuty Journal JournalDescription
        Modified Modifier ModifierFullName OrderDate OrderedBy OrderedByContactPerson
        OrderedByContactPersonFullName OrderedByName OrderNumber PaymentCondition
        PaymentConditionDescription PaymentReference Remarks SalesChannel SalesChannelCode
        SalesChannelDescription SalesInvoiceLines SalesInvoiceOrderChargeLines Salesperson
        SalespersonFullName SelectionCode SelectionCodeCode SelectionCodeDescription
        ShippingMethod ShippingMethodCode ShippingMethodDescription StarterSalesInvoiceStatus
        StarterSalesInvoiceStatusDescription Status StatusDescription Type TypeDescription
        VATAmountDC VATAmountFC Warehouse WithholdingTaxAmountFC WithholdingTaxBaseAmount
        WithholdingTaxPercentage YourRef
        """
    ),
    "salesinvoice/SalesInvoiceLines": _names(
        """
        ID AmountDC AmountFC CostCenter CostCenterDescription CostUnit CostUnitDescription
        CustomerItemCode CustomField DeliveryDate Description Discount Division Employee
        EmployeeFullName EndTime ExtraDutyAmountFC ExtraDutyPercentage GLAccount
        GLAccountDescription InvoiceID Item ItemCode ItemDescription LineNumber NetPrice Notes
        Pricelist PricelistDescription Project ProjectDescription ProjectWBS
        ProjectWBSDescription Quantity SalesOrder SalesOrderLine SalesOrderLineNumber
        SalesOrderNumber StartTime Subscription SubscriptionDescription UnitCode
        UnitDescription UnitPrice VATAmountDC VATAmountFC VATCode VATCodeDescription
        VATPercentage
        """
    ),
    "logistics/Items": _names(
        """
        ID AverageCost Barcode Class_01 Class_02 Class_03 Class_04 Class_05 Class_06 Class_07
        Class_08 Class_09 Class_10 Code CopyRemarks CostPriceCurrency CostPriceNew
        CostPriceStandard Created Creator CreatorFullName CustomField Description Division
        EndDate ExtraDescription FreeBoolField_01 FreeBoolField_02 FreeBoolField_03
        FreeBoolField_04 FreeBoolField_05 FreeDateField_01 FreeDateField_02 FreeDateField_03
        FreeDateField_04 FreeDateField_05 FreeNumberField_01 FreeNumberField_02
        FreeNumberField_03 FreeNumberField_04 FreeNumberField_05 FreeNumberField_06
        FreeNumberField_07 FreeNumberField_08 FreeTextField_01 FreeTextField_02
        FreeTextField_03 FreeTextField_04 FreeTextField_05 FreeTextField_06 FreeTextField_07
        FreeTextField_08 FreeTextField_09 FreeTextField_10 GLCosts GLCostsCode
        GLCostsDescription GLRevenue GLRevenueCode GLRevenueDescription GLStock GLStockCode
        GLStockDescription GrossWeight IsBatchItem IsFractionAllowedItem IsMakeItem
        IsNewContract IsOnDemandItem IsPackageItem IsPurchaseItem IsSalesItem IsSerialItem
        IsStockItem IsSubcontractedItem IsTaxableItem IsTime IsWebshopItem ItemGroup
        ItemGroupCode ItemGroupDescription Modified Modifier ModifierFullName NetWeight
        NetWeightUnit Notes Picture PictureName PictureThumbnailUrl PictureUrl SalesVatCode
        SalesVatCodeDescription SearchCode SecurityLevel StandardSalesPrice StartDate
        StatisticalCode StatisticalNetWeight StatisticalUnits StatisticalValue Stock Unit
        UnitDescription UnitType
        """
    ),
    "financial/GLAccounts": _names(
        """
        ID AllowCostsInSales AssimilatedVATBox BalanceSide BalanceType BelcotaxType Code
        Compress Costcenter CostcenterDescription Costunit CostunitDescription Created Creator
        CreatorFullName CustomField DeductibilityPercentages Description Division
        ExcludeVATListing ExpenseNonDeductiblePercentage IsBlocked Matching Modified Modifier
        ModifierFullName PrivateGLAccount PrivatePercentage ReportingCode RevalueCurrency
        SearchCode Type TypeDescription UseCostcenter UseCostunit VATCode VATDescription
        VATGLAccountType VATNonDeductibleGLAccount VATNonDeductiblePercentage VATSystem
        YearEndCostGLAccount YearEndReflectionGLAccount
        """
    ),
    "hrm/Costcenters": _names(
        """
        ID Code Created Creator CreatorFullName CustomField Description Division EndDate
        Modified Modifier ModifierFullName
        """
    ),
    "vat/VATCodes": _names(
        """
        ID Account AccountCode AccountName CalculationBasis Charged Code Created Creator
        CreatorFullName CustomField Description Division EUSalesListing ExcludeVATListing
        GLDiscountPurchase GLDiscountPurchaseCode GLDiscountPurchaseDescription
        GLDiscountSales GLDiscountSalesCode GLDiscountSalesDescription GLToClaim GLToClaimCode
        GLToClaimDescription GLToPay GLToPayCode GLToPayDescription IntraStat IntrastatType
        IsBlocked LegalText Modified Modifier ModifierFullName OssCountry Percentage
        TaxReturnType Type VatDocType VatMargin VATPartialRatio VATPercentages
        VATTransactionType
        """
    ),
    "financial/Journals": _names(
        """
        ID AllowVariableCurrency AllowVariableExchangeRate AllowVAT AutoSave Bank
        BankAccountBICCode BankAccountCountry BankAccountDescription BankAccountIBAN
        BankAccountID BankAccountIncludingMask BankName Code Created Creator CreatorFullName
        Currency CurrencyDescription CustomField Description Division GLAccount GLAccountCode
        GLAccountDescription GLAccountType IsBlocked Modified Modifier ModifierFullName
        PaymentInTransitAccount PaymentServiceAccountIdentifier PaymentServiceProvider
        PaymentServiceProviderName Type
        """
    ),
    "crm/Addresses": _names(
        """
        ID Account AccountIsSupplier AccountName AddressLine1 AddressLine2 AddressLine3 City
        Contact ContactName Country CountryName Created Creator CreatorFullName CustomField
        Division Fax FreeBoolField_01 FreeBoolField_02 FreeBoolField_03 FreeBoolField_04
        FreeBoolField_05 FreeDateField_01 FreeDateField_02 FreeDateField_03 FreeDateField_04
        FreeDateField_05 FreeNumberField_01 FreeNumberField_02 FreeNumberField_03
        FreeNumberField_04 FreeNumberField_05 FreeTextField_01 FreeTextField_02
        FreeTextField_03 FreeTextField_04 FreeTextField_05 Mailbox Main Modified Modifier
        ModifierFullName NicNumber Notes Phone PhoneExtension Postcode State StateDescription
        Type Warehouse WarehouseCode WarehouseDescription
        """
    ),
    "hrm/Divisions": _names(
        """
        Code ArchiveDate BlockingStatus Class_01 Class_02 Class_03 Class_04 Class_05 Country
        CountryDescription Created Creator CreatorFullName Currency CurrencyDescription
        Customer CustomerCode CustomerName Description HID Main Modified Modifier
        ModifierFullName OBNumber SiretNumber StartDate Status TaxOfficeNumber
        TaxReferenceNumber TemplateCode VATNumber Website
        """
    ),
}
