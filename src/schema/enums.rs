//! Every enumeration StepPay sends, each accepting undocumented values.
//!
//! The values are those of StepPay's webhook page (spec section 5), then those StepPay's own
//! API material shows beyond it (spec section 9), each marked with its source: "StepPay's 2023
//! API specification" (the response examples of StepPay's `step-api-spec` repository) or
//! "StepPay's 2025 API types" (a merchant's copy of StepPay's current API types). StepPay
//! describes none of the latter, so their documentation says only what their name says.

use crate::wire_enum::wire_enum;

wire_enum! {
    /// The state of a subscription.
    SubscriptionStatus {
        /// Active and billing normally.
        Active = "ACTIVE",
        /// Created but not yet completed (first payment pending).
        Incomplete = "INCOMPLETE",
        /// A payment failed.
        Unpaid = "UNPAID",
        /// Will pause at the end of the current period.
        PendingPause = "PENDING_PAUSE",
        /// Paused.
        Pause = "PAUSE",
        /// Will be canceled at the end of the current period.
        PendingCancel = "PENDING_CANCEL",
        /// Ended.
        Expired = "EXPIRED",
        /// Canceled.
        Canceled = "CANCELED",
        /// Queued for its renewal payment.
        Queueing = "QUEUEING",
    }
}

wire_enum! {
    /// A unit of calendar time used for billing intervals and trial periods.
    DateUnitType {
        /// Days.
        Day = "DAY",
        /// Weeks.
        Week = "WEEK",
        /// Months.
        Month = "MONTH",
        /// Years.
        Year = "YEAR",
    }
}

wire_enum! {
    /// The payment gateway (PG) that processed a payment.
    PaymentGateway {
        /// Danal.
        Danal = "DANAL",
        /// Kakao Pay.
        Kakao = "KAKAO",
        /// KG Inicis.
        Kg = "KG",
        /// NICE Payments.
        Nice = "NICE",
        /// Google.
        Google = "GOOGLE",
        /// BankPay (deprecated; renamed Bluewalnut).
        Bankpay = "BANKPAY",
        /// Bluewalnut.
        Bluewalnut = "BLUEWALNUT",
        /// KSNET.
        Ksnet = "KSNET",
        /// Toss Payments.
        Toss = "TOSS",
        /// Eximbay.
        Eximbay = "EXIMBAY",
        /// Settlebank.
        Settle = "SETTLE",
        /// NICE Payments, second integration.
        NiceV2 = "NICE_V2",
        /// Stripe.
        Stripe = "STRIPE",
        /// Payple.
        Payple = "PAYPLE",
        /// Payple global.
        PaypleGlobal = "PAYPLE_GLOBAL",
        /// StepPay's documented `UNKNOWN` gateway value (named `UnknownGateway` because
        /// `Unknown(String)` holds values this crate does not know).
        UnknownGateway = "UNKNOWN",
        /// Naver Pay. Seen in StepPay's 2023 API specification, not on the webhook page.
        Naver = "NAVER",
        /// NHN KCP. Seen in StepPay's 2023 API specification, not on the webhook page.
        Kcp = "KCP",
        /// JTNet. Seen in StepPay's 2023 API specification, not on the webhook page.
        Jt = "JT",
        /// Daou Data. Seen in StepPay's 2023 API specification, not on the webhook page.
        Daoudata = "DAOUDATA",
        /// Welcome Payments. Seen in StepPay's 2023 API specification, not on the webhook page.
        Welcome = "WELCOME",
        /// KICC (EasyPay). Seen in StepPay's 2023 API specification, not on the webhook page.
        Kicc = "KICC",
        /// `EMPTY`, by its name no gateway. Seen in StepPay's 2025 API types, not on the webhook page.
        Empty = "EMPTY",
        /// `STEPPAY`, by its name StepPay itself. Seen in StepPay's 2025 API types, not on the webhook page.
        Steppay = "STEPPAY",
    }
}

wire_enum! {
    /// What an order or subscription line is.
    OrderItemType {
        /// A product.
        Sku = "SKU",
        /// Tax.
        Tax = "TAX",
        /// Shipping fee.
        Shipping = "SHIPPING",
        /// A discount.
        Discount = "DISCOUNT",
        /// An offline (POS) item.
        Offline = "OFFLINE",
        /// A setup or base fee.
        Fee = "FEE",
        /// A settlement line for items added or removed.
        Adds = "ADDS",
        /// `INSTANT`. Seen in StepPay's 2023 API specification, not on the webhook page.
        Instant = "INSTANT",
        /// `ADD`. Seen in StepPay's 2023 API specification, not on the webhook page.
        Add = "ADD",
        /// `DEFERRED`. Seen in StepPay's 2023 API specification, not on the webhook page.
        Deferred = "DEFERRED",
        /// `USAGE`. Seen in StepPay's 2023 API specification, not on the webhook page.
        Usage = "USAGE",
    }
}

wire_enum! {
    /// When a price is charged.
    ClaimMethodType {
        /// Prepaid.
        Pre = "PRE",
        /// Postpaid.
        Post = "POST",
    }
}

wire_enum! {
    /// How a price plan charges.
    PriceType {
        /// A one-time price.
        OneTime = "ONE_TIME",
        /// A flat recurring price.
        Flat = "FLAT",
        /// Per unit (seat) recurring price.
        UnitBased = "UNIT_BASED",
        /// Usage-based recurring price.
        UsageBased = "USAGE_BASED",
        /// A bundle of prices.
        Bundle = "BUNDLE",
        /// `VOLUME_BASED`, by its name priced by volume. Seen in StepPay's 2023 API specification, not on the webhook page.
        VolumeBased = "VOLUME_BASED",
    }
}

wire_enum! {
    /// Who recorded a usage entry (`RecordQuota::via`).
    Actor {
        /// Recorded through the API.
        V1 = "V1",
        /// Recorded in the StepPay portal.
        Manager = "MANAGER",
        /// Recorded by StepPay at subscription start or renewal.
        System = "SYSTEM",
        /// Recorded by the customer in the subscription manager.
        Customer = "CUSTOMER",
        /// `RENEW`, by its name recorded at a renewal. Seen in StepPay's 2023 API specification, not on the webhook page.
        Renew = "RENEW",
        /// `PUBLIC`. Seen in StepPay's 2025 API types, not on the webhook page.
        Public = "PUBLIC",
    }
}

wire_enum! {
    /// The state of an invoice.
    InvoiceStatus {
        /// A draft.
        Temporary = "TEMPORARY",
        /// Scheduled to be sent.
        Reservation = "RESERVATION",
        /// Sent.
        Sent = "SENT",
        /// Paid.
        Paid = "PAID",
        /// Past its purchase deadline.
        OverDue = "OVER_DUE",
        /// Sending failed.
        SendFail = "SEND_FAIL",
    }
}

wire_enum! {
    /// When an invoice is sent.
    InvoicePublishType {
        /// Immediately.
        Now = "NOW",
        /// At a scheduled time.
        Reservation = "RESERVATION",
    }
}

wire_enum! {
    /// How an invoice reaches the customer.
    InvoicePublishMethod {
        /// KakaoTalk message.
        Kakao = "KAKAO",
        /// Text message.
        Sms = "SMS",
        /// E-mail.
        Email = "EMAIL",
    }
}

wire_enum! {
    /// Why an order exists.
    OrderType {
        /// A subscription renewal.
        Recurring = "RECURRING",
        /// A one-time purchase.
        OneTime = "ONE_TIME",
        /// A payment-method change.
        PaymentMethod = "PAYMENT_METHOD",
        /// The first order of a subscription.
        RecurringInitial = "RECURRING_INITIAL",
        /// Usage added to a subscription.
        AddUsage = "ADD_USAGE",
        /// `ADDITIONAL`. Seen in StepPay's 2025 API types, not on the webhook page.
        Additional = "ADDITIONAL",
        /// `ADD_PAYMENT_METHOD`, by its name a payment method added. Seen in StepPay's 2025 API types, not on the webhook page.
        AddPaymentMethod = "ADD_PAYMENT_METHOD",
    }
}

wire_enum! {
    /// The state of an order item through payment, delivery, exchange and return (46 documented values).
    OrderItemStatus {
        /// Created.
        Created = "CREATED",
        /// Waiting for a bank deposit.
        DepositWaiting = "DEPOSIT_WAITING",
        /// Cancelled.
        Cancelled = "CANCELLED",
        /// Paid.
        Paid = "PAID",
        /// Cancellation request.
        CancellationRequest = "CANCELLATION_REQUEST",
        /// Cancellation request cancelled.
        CancellationRequestCancelled = "CANCELLATION_REQUEST_CANCELLED",
        /// Cancellation request denied.
        CancellationRequestDenied = "CANCELLATION_REQUEST_DENIED",
        /// Cancellation refunding.
        CancellationRefunding = "CANCELLATION_REFUNDING",
        /// Cancellation refunded.
        CancellationRefunded = "CANCELLATION_REFUNDED",
        /// Cancellation refunded partially.
        CancellationRefundedPartially = "CANCELLATION_REFUNDED_PARTIALLY",
        /// Order delivery preparing.
        OrderDeliveryPreparing = "ORDER_DELIVERY_PREPARING",
        /// Order delivery suspended.
        OrderDeliverySuspended = "ORDER_DELIVERY_SUSPENDED",
        /// Order delivery on the way.
        OrderDeliveryOnTheWay = "ORDER_DELIVERY_ON_THE_WAY",
        /// Order delivery completed.
        OrderDeliveryCompleted = "ORDER_DELIVERY_COMPLETED",
        /// Exchange request.
        ExchangeRequest = "EXCHANGE_REQUEST",
        /// Exchange request cancelled.
        ExchangeRequestCancelled = "EXCHANGE_REQUEST_CANCELLED",
        /// Exchange request rejected.
        ExchangeRequestRejected = "EXCHANGE_REQUEST_REJECTED",
        /// Exchange collection preparing.
        ExchangeCollectionPreparing = "EXCHANGE_COLLECTION_PREPARING",
        /// Exchange collection on the way.
        ExchangeCollectionOnTheWay = "EXCHANGE_COLLECTION_ON_THE_WAY",
        /// Exchange collection completed.
        ExchangeCollectionCompleted = "EXCHANGE_COLLECTION_COMPLETED",
        /// Exchange delivery preparing.
        ExchangeDeliveryPreparing = "EXCHANGE_DELIVERY_PREPARING",
        /// Exchange delivery on the way.
        ExchangeDeliveryOnTheWay = "EXCHANGE_DELIVERY_ON_THE_WAY",
        /// Exchange delivery completed.
        ExchangeDeliveryCompleted = "EXCHANGE_DELIVERY_COMPLETED",
        /// Exchange reject delivery preparing.
        ExchangeRejectDeliveryPreparing = "EXCHANGE_REJECT_DELIVERY_PREPARING",
        /// Exchange reject delivery on the way.
        ExchangeRejectDeliveryOnTheWay = "EXCHANGE_REJECT_DELIVERY_ON_THE_WAY",
        /// Exchange reject delivery completed.
        ExchangeRejectDeliveryCompleted = "EXCHANGE_REJECT_DELIVERY_COMPLETED",
        /// Exchange pending.
        ExchangePending = "EXCHANGE_PENDING",
        /// Exchange rejected.
        ExchangeRejected = "EXCHANGE_REJECTED",
        /// Return request.
        ReturnRequest = "RETURN_REQUEST",
        /// Return request cancelled.
        ReturnRequestCancelled = "RETURN_REQUEST_CANCELLED",
        /// Return request rejected.
        ReturnRequestRejected = "RETURN_REQUEST_REJECTED",
        /// Return collection preparing.
        ReturnCollectionPreparing = "RETURN_COLLECTION_PREPARING",
        /// Return collection on the way.
        ReturnCollectionOnTheWay = "RETURN_COLLECTION_ON_THE_WAY",
        /// Return collection completed.
        ReturnCollectionCompleted = "RETURN_COLLECTION_COMPLETED",
        /// Return reject delivery preparing.
        ReturnRejectDeliveryPreparing = "RETURN_REJECT_DELIVERY_PREPARING",
        /// Return reject delivery on the way.
        ReturnRejectDeliveryOnTheWay = "RETURN_REJECT_DELIVERY_ON_THE_WAY",
        /// Return reject delivery completed.
        ReturnRejectDeliveryCompleted = "RETURN_REJECT_DELIVERY_COMPLETED",
        /// Return pending.
        ReturnPending = "RETURN_PENDING",
        /// Return rejected.
        ReturnRejected = "RETURN_REJECTED",
        /// Return refunding.
        ReturnRefunding = "RETURN_REFUNDING",
        /// Return refunded.
        ReturnRefunded = "RETURN_REFUNDED",
        /// Return refunded partially.
        ReturnRefundedPartially = "RETURN_REFUNDED_PARTIALLY",
        /// Payment failed.
        PaymentFailure = "PAYMENT_FAILURE",
        /// Finished; exchange or return still possible (1 week).
        FinishedExchangeAvailable = "FINISHED_EXCHANGE_AVAILABLE",
        /// Finished; return still possible (1 month).
        FinishedReturnAvailable = "FINISHED_RETURN_AVAILABLE",
        /// Finished.
        FinishedSuccessfully = "FINISHED_SUCCESSFULLY",
    }
}

wire_enum! {
    /// The kind of product.
    ProductType {
        /// Shipped goods.
        Box = "BOX",
        /// Intangible goods or a service.
        Software = "SOFTWARE",
        /// A bundle (unused today).
        Bundle = "BUNDLE",
        /// Created from an invoice page.
        Invoice = "INVOICE",
        /// A draft.
        Draft = "DRAFT",
    }
}

wire_enum! {
    /// The sale state of a product.
    ProductStatus {
        /// On sale.
        Sale = "SALE",
        /// Out of stock.
        OutOfStock = "OUT_OF_STOCK",
        /// Not sold.
        Unsold = "UNSOLD",
        /// Waiting for approval.
        WaitingApproval = "WAITING_APPROVAL",
        /// Rejected.
        Rejected = "REJECTED",
    }
}

wire_enum! {
    /// Whether a price option or setup fee is charged once or every period.
    PriceOptionType {
        /// Once.
        Initially = "INITIALLY",
        /// Every period.
        Periodic = "PERIODIC",
    }
}

wire_enum! {
    /// How tiered usage billing is priced.
    AdditionalBillingType {
        /// A per-unit price for each tier.
        UsageBasedWithRange = "USAGE_BASED_WITH_RANGE",
        /// A fixed price for each tier.
        UsageBasedWithRangeAndFixedPrice = "USAGE_BASED_WITH_RANGE_AND_FIXED_PRICE",
    }
}

wire_enum! {
    /// When a recurring price is billed.
    WhenToClaimType {
        /// Repeating from the first payment date.
        FirstPayment = "FIRST_PAYMENT",
        /// On a fixed billing day.
        Date = "DATE",
    }
}

wire_enum! {
    /// The state of a payment.
    PaymentStatus {
        /// Pending.
        Standby = "STANDBY",
        /// Completed.
        Complete = "COMPLETE",
        /// Canceled.
        Canceled = "CANCELED",
        /// Partly canceled.
        PartialCanceled = "PARTIAL_CANCELED",
        /// The customer closed the payment window.
        UserCanceled = "USER_CANCELED",
        /// Cancellation failed.
        CanceledFail = "CANCELED_FAIL",
        /// Failed.
        Failed = "FAILED",
        /// Waiting for a virtual-account deposit.
        VirtualBankStandby = "VIRTUAL_BANK_STANDBY",
        /// Waiting for a CMS account debit.
        CmsStandby = "CMS_STANDBY",
        /// `CANCEL_PROGRESS`, by its name a cancellation under way. Seen in StepPay's 2023 API specification, not on the webhook page.
        CancelProgress = "CANCEL_PROGRESS",
    }
}

wire_enum! {
    /// How a payment was made.
    PaymentMethod {
        /// Card.
        Card = "CARD",
        /// Virtual bank account.
        Vbank = "VBANK",
        /// Bank transfer.
        Bank = "BANK",
        /// Mobile phone billing.
        Cellphone = "CELLPHONE",
        /// A simple-pay service.
        SimplePay = "SIMPLE_PAY",
        /// Bank-account debit (CMS).
        Cms = "CMS",
        /// Card, recurring billing.
        CardBill = "CARD_BILL",
        /// Mobile phone, recurring billing.
        CellphoneBill = "CELLPHONE_BILL",
        /// Bank-account debit, recurring billing.
        CmsBill = "CMS_BILL",
        /// Bank transfer (`BANK_TRANSFER`). Seen in StepPay's 2025 API types, not on the webhook page.
        BankTransfer = "BANK_TRANSFER",
        /// PayPal. Seen in StepPay's 2025 API types, not on the webhook page.
        Paypal = "PAYPAL",
    }
}

wire_enum! {
    /// A Korean bank, as used by CMS account debits (`NiceCms::bank_code`).
    ///
    /// The values are the 23 the webhook page lists. The page itself types
    /// `NiceCms.bankCode` as a plain string, and StepPay's refund-bank list has 69 codes: a
    /// code not listed here reads as `Unknown` with its text and is written back unchanged,
    /// so no bank is lost. Match the variants for the common banks and fall back to
    /// [`BankCode::as_str`] for the rest.
    BankCode {
        /// Korea Development Bank.
        Kdb = "KDB",
        /// Industrial Bank of Korea.
        Ibk = "IBK",
        /// KB Kookmin Bank.
        Kb = "KB",
        /// KEB (Korea Exchange Bank).
        Keb = "KEB",
        /// Suhyup Bank.
        Sh = "SH",
        /// NongHyup Bank.
        Nh = "NH",
        /// Woori Bank.
        Woori = "WOORI",
        /// SC First Bank.
        Sc = "SC",
        /// Citibank Korea (formerly Hanmi).
        Hanmi = "HANMI",
        /// DGB Daegu Bank.
        Dgb = "DGB",
        /// BNK Busan Bank.
        BnkBs = "BNK_BS",
        /// Kwangju Bank.
        Kjb = "KJB",
        /// Jeju Bank.
        Jeju = "JEJU",
        /// Jeonbuk Bank.
        Jb = "JB",
        /// BNK Kyongnam Bank.
        BnkKn = "BNK_KN",
        /// MG Saemaul Geumgo.
        Mg = "MG",
        /// Credit union (Shinhyup).
        CreditUnion = "CREDIT_UNION",
        /// Korea Post.
        Post = "POST",
        /// Hana Bank.
        Hana = "HANA",
        /// Shinhan Bank.
        ShinhanUnified = "SHINHAN_UNIFIED",
        /// K bank.
        Kbank = "KBANK",
        /// KakaoBank.
        KakaoBank = "KAKAO_BANK",
        /// Toss Bank.
        TossBank = "TOSS_BANK",
    }
}

wire_enum! {
    /// The state of a CMS bank-account debit (`NiceCms::status`).
    CmsStatus {
        /// Account registration pending.
        AccountPending = "ACCOUNT_PENDING",
        /// Account registration failed.
        AccountFail = "ACCOUNT_FAIL",
        /// Account registered.
        AccountSuccess = "ACCOUNT_SUCCESS",
        /// Withdrawal pending.
        WithdrawPending = "WITHDRAW_PENDING",
        /// Withdrawal failed.
        WithdrawFail = "WITHDRAW_FAIL",
        /// Withdrawal succeeded.
        WithdrawSuccess = "WITHDRAW_SUCCESS",
    }
}

wire_enum! {
    /// The kind of StepCover dunning message.
    CoverMessageType {
        /// A payment reminder.
        Remind = "REMIND",
        /// The payment date was changed.
        DateChanged = "DATE_CHANGED",
        /// The cover ended.
        Paused = "PAUSED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every documented value converts both ways and through serde; an undocumented one is
    /// kept in `Unknown` and written back unchanged; the count matches the spec.
    macro_rules! check_enums {
        ($($name:ident: $count:expr,)+) => {
            #[test]
            fn every_value_round_trips() {
                $(
                    assert_eq!($name::KNOWN.len(), $count, stringify!($name));
                    let mut seen = std::collections::BTreeSet::new();
                    for value in $name::KNOWN {
                        let wire = value.as_str();
                        assert!(seen.insert(wire), "{} listed twice", wire);
                        assert!(!value.is_unknown());
                        assert_eq!(&$name::from(wire), value);
                        assert_eq!(&wire.parse::<$name>().unwrap(), value);
                        assert_eq!(String::from(value.clone()), wire);
                        let json = serde_json::to_string(value).unwrap();
                        assert_eq!(json, format!("\"{wire}\""));
                        assert_eq!(&serde_json::from_str::<$name>(&json).unwrap(), value);
                    }
                    let unknown: $name = serde_json::from_str("\"NOT_YET_DOCUMENTED\"").unwrap();
                    assert_eq!(unknown, $name::Unknown("NOT_YET_DOCUMENTED".to_owned()));
                    assert!(unknown.is_unknown());
                    assert_eq!(unknown.to_string(), "NOT_YET_DOCUMENTED");
                    assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"NOT_YET_DOCUMENTED\"");
                    // Case matters: a different spelling is not silently mapped.
                    let lower = $name::KNOWN[0].as_str().to_lowercase();
                    assert!($name::from(lower.as_str()).is_unknown());
                    assert!(serde_json::from_str::<$name>("3").is_err());
                )+
            }
        };
    }

    // Expected counts: spec section 5 (the webhook page) + section 9 (seen beyond it).
    check_enums! {
        SubscriptionStatus: 9,
        DateUnitType: 4,
        PaymentGateway: 16 + 8,
        OrderItemType: 7 + 4,
        ClaimMethodType: 2,
        PriceType: 5 + 1,
        Actor: 4 + 2,
        InvoiceStatus: 6,
        InvoicePublishType: 2,
        InvoicePublishMethod: 3,
        OrderType: 5 + 2,
        OrderItemStatus: 46,
        ProductType: 5,
        ProductStatus: 5,
        PriceOptionType: 2,
        AdditionalBillingType: 2,
        WhenToClaimType: 2,
        PaymentStatus: 9 + 1,
        PaymentMethod: 9 + 2,
        BankCode: 23,
        CmsStatus: 6,
        CoverMessageType: 3,
    }

    /// Spec section 9's values, each a known variant now, in the order the spec lists them;
    /// the webhook page's values come first in `KNOWN`, these after.
    #[test]
    fn section_9_values_are_known_and_listed_after_the_page_values() {
        fn tail<T: AsRef<str>>(known: &[T], n: usize) -> Vec<&str> {
            known[known.len() - n..].iter().map(AsRef::as_ref).collect()
        }
        assert_eq!(
            tail(PaymentGateway::KNOWN, 8),
            ["NAVER", "KCP", "JT", "DAOUDATA", "WELCOME", "KICC", "EMPTY", "STEPPAY"]
        );
        assert_eq!(tail(PaymentStatus::KNOWN, 1), ["CANCEL_PROGRESS"]);
        assert_eq!(
            tail(OrderItemType::KNOWN, 4),
            ["INSTANT", "ADD", "DEFERRED", "USAGE"]
        );
        assert_eq!(tail(PriceType::KNOWN, 1), ["VOLUME_BASED"]);
        assert_eq!(tail(Actor::KNOWN, 2), ["RENEW", "PUBLIC"]);
        assert_eq!(
            tail(OrderType::KNOWN, 2),
            ["ADDITIONAL", "ADD_PAYMENT_METHOD"]
        );
        assert_eq!(tail(PaymentMethod::KNOWN, 2), ["BANK_TRANSFER", "PAYPAL"]);

        // Through serde, as they arrive in a body.
        let gateway: PaymentGateway = serde_json::from_str("\"KCP\"").unwrap();
        assert_eq!(gateway, PaymentGateway::Kcp);
        let status: PaymentStatus = serde_json::from_str("\"CANCEL_PROGRESS\"").unwrap();
        assert_eq!(status, PaymentStatus::CancelProgress);
        assert_eq!(serde_json::to_string(&Actor::Renew).unwrap(), "\"RENEW\"");
        // Neighbouring spellings are still unknown.
        assert!(PaymentGateway::from("NAVERPAY").is_unknown());
        assert!(PaymentGateway::from("Naver").is_unknown());
        assert!(PaymentMethod::from("BANKTRANSFER").is_unknown());
    }

    #[test]
    fn bank_codes_beyond_the_webhook_page_are_kept() {
        // StepPay's refund-bank list has 69 codes, the webhook page 23: any other code is
        // kept as sent (these names are made up for the test).
        for code in ["SAVINGS_BANK", "NEW_BANK_2031", "CITI"] {
            let bank: BankCode = serde_json::from_str(&format!("\"{code}\"")).unwrap();
            assert_eq!(bank, BankCode::Unknown(code.to_owned()));
            assert_eq!(serde_json::to_string(&bank).unwrap(), format!("\"{code}\""));
        }
    }

    #[test]
    fn steppay_unknown_gateway_is_a_documented_value() {
        assert_eq!(
            PaymentGateway::from("UNKNOWN"),
            PaymentGateway::UnknownGateway
        );
        assert!(!PaymentGateway::UnknownGateway.is_unknown());
        assert_eq!(
            PaymentGateway::from("PAYCO"),
            PaymentGateway::Unknown("PAYCO".into())
        );
    }
}
