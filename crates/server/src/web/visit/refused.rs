//! The visit's page shown again after a refused form: the refusal next to its box and the
//! rest of the form as typed.

use super::*;

/// The visit's page again, with a refused form's errors next to its fields and what was typed.
pub(in crate::web) async fn refused(
    ctx: &Ctx,
    id: i64,
    errors: Errors,
    typed: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let page = build(ctx, id, None, errors, typed).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The form as posted, or (`Err`) the visit's page again when a box was refused before any
/// use case read it (a NUL, a text over the size limit): the refusal by the box, the other
/// boxes as typed.
pub(in crate::web) async fn form_or_page(
    ctx: &Ctx,
    id: i64,
    posted: Posted,
) -> Result<Result<FormData, Response>, WebError> {
    match posted {
        Ok(f) => Ok(Ok(f)),
        Err(r) => {
            let (errors, typed) = r.on_page()?;
            Ok(Err(refused(ctx, id, errors, typed).await?))
        }
    }
}
