//! [`Product`] (events `product.created`, `.updated`, `.deleted`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{DateUnitType, Price, ProductStatus, ProductType};
use crate::serde_util::{self, decimal, id};
use crate::DateTime;

/// A product in the merchant's store.
///
/// # Required fields
///
/// Only `code`, the product's identifier. Everything else reads as `None` (or an empty list)
/// when StepPay leaves it out or sends `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Product code (required).
    #[serde(deserialize_with = "id::deserialize")]
    pub code: String,
    /// Kind of product.
    pub r#type: Option<ProductType>,
    /// Sale state.
    pub status: Option<ProductStatus>,
    /// Name.
    pub name: Option<String>,
    /// Subtitle.
    pub sub_title: Option<String>,
    /// Main image URL.
    pub featured_image_url: Option<String>,
    /// Description (may be HTML).
    pub description: Option<String>,
    /// Image URLs (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub image_urls: Vec<String>,
    /// Stock.
    pub quantity: Option<i32>,
    /// Option groups (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub option_groups: Vec<ProductOptionGroup>,
    /// Price plans (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub prices: Vec<Price>,
    /// Categories (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub categories: Vec<ProductCategory>,
    /// When the product was created.
    pub created_at: Option<DateTime>,
    /// When the product last changed.
    pub modified_at: Option<DateTime>,
    /// Whether a free trial is on.
    pub enabled_demo: Option<bool>,
    /// Free-trial length.
    pub demo_period: Option<i32>,
    /// Free-trial length unit.
    pub demo_period_unit: Option<DateUnitType>,
}

/// A product category. `category_id` is required (its identifier); `name` reads as `None`
/// when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductCategory {
    /// Category number (required).
    pub category_id: i64,
    /// Name.
    pub name: Option<String>,
}

/// A group of product options (e.g. "분쇄도"). `id` is required (its identifier); the rest
/// reads as `None` (or no options) when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductOptionGroup {
    /// Option group number (required).
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Options (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub options: Vec<ProductOption>,
}

/// One product option. `id` is required (its identifier); the rest reads as `None` when
/// absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductOption {
    /// Option number (required).
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Stock.
    pub quantity: Option<i32>,
    /// Extra price.
    #[serde(default, with = "decimal::option")]
    pub price: Option<Decimal>,
}
